import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { APP_CONFIG, ConfigModule, type AppConfig } from '@zs/config';
import { GqlAuthGuard } from '@zs/common';
import { DatabaseModule } from '@zs/database';
import { RedisModule } from '@zs/queue';
import { CodeItemModule } from '@zs/codes';
import { OrgUnitModule } from '@zs/org';
import { AuthService, IdentityModule } from '@zs/identity';
import { LeadsModule } from '@zs/leads';
import { graphqlOptions } from './graphql-options';

@Module({})
export class AppModule {
  /** `config` overrides the environment (tests and the zero-setup starter pass one). */
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        RedisModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [IdentityModule],
          inject: [APP_CONFIG, AuthService],
          useFactory: (c: AppConfig, auth: AuthService) => graphqlOptions(c, auth, new Logger('GraphQL')),
        }),
        CodeItemModule,
        OrgUnitModule,
        IdentityModule,
        LeadsModule,
      ],
      providers: [{ provide: APP_GUARD, useClass: GqlAuthGuard }],
    };
  }
}
