import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, type AppConfig } from '@zs/config';
import { DatabaseModule } from '@zs/database';
import { RedisModule } from '@zs/queue';
import { CodeItemModule } from '@zs/codes';
import { OrgUnitModule } from '@zs/org';
import { IdentityModule } from '@zs/identity';
import { OutboxModule } from '@zs/outbox';
import { SearchIndexModule } from '@zs/search';
import { ExcelModule } from '@zs/excel';

@Module({})
export class CliModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, RedisModule, CodeItemModule, OrgUnitModule, IdentityModule, OutboxModule, SearchIndexModule, ExcelModule],
    };
  }
}
