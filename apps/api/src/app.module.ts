import { Logger, Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
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
import { SearchModule } from '@zs/search';
import { WebhooksModule } from '@zs/webhooks';
import { NotificationsModule, QueueDashboardModule } from '@zs/notifications';
import { MatchmakingModule } from '@zs/matchmaking';
import { TargetsModule } from '@zs/targets';
import { ExcelModule } from '@zs/excel';
import { IdeModule, MetricsModule, MetricsService, OpsModule, graphqlMetricsPlugin } from '@zs/ops';
import { graphqlOptions } from './graphql-options';
import { LabelsModule } from './labels/labels.module';

@Module({})
export class AppModule {
  /**
   * `config` overrides the environment (tests and the zero-setup starter pass one); `extra` adds
   * modules, e.g. the worker's processors when the zero-setup starter runs api and worker together.
   */
  static forRoot(config?: AppConfig, extra: NonNullable<ModuleMetadata['imports']> = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        RedisModule,
        MetricsModule,
        OpsModule,
        IdeModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [IdentityModule],
          inject: [APP_CONFIG, AuthService, MetricsService],
          useFactory: (c: AppConfig, auth: AuthService, metrics: MetricsService) =>
            graphqlOptions(c, auth, new Logger('GraphQL'), [graphqlMetricsPlugin(metrics)]),
        }),
        CodeItemModule,
        OrgUnitModule,
        IdentityModule,
        LeadsModule,
        LabelsModule,
        SearchModule,
        WebhooksModule,
        NotificationsModule,
        QueueDashboardModule,
        MatchmakingModule,
        TargetsModule,
        ExcelModule,
        ...extra,
      ],
      providers: [{ provide: APP_GUARD, useClass: GqlAuthGuard }],
    };
  }
}
