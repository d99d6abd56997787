import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, ConfigModule, type AppConfig } from '@zs/config';
import { dataSourceOptions } from '@zs/database';
import { RedisModule } from '@zs/queue';
import { CodeItemModule } from '@zs/codes';
import { OrgUnitModule } from '@zs/org';
import { IdentityModule } from '@zs/identity';

@Module({})
export class CliModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        // Same data source as the api (dataSourceOptions), but an operator at a prompt should hear
        // "cannot connect" within seconds, not after the api's half minute of start-up retries.
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (c: AppConfig) => ({
            ...dataSourceOptions(c),
            autoLoadEntities: true,
            retryAttempts: 2,
            retryDelay: 1000,
          }),
        }),
        RedisModule,
        CodeItemModule,
        OrgUnitModule,
        IdentityModule,
      ],
    };
  }
}
