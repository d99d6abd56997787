import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { DataDirLockedError } from './data-dir-lock';
import { dataSourceOptions } from './data-source-options';
import { TransactionalDataSource } from './transactional-data-source';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config),
        autoLoadEntities: true,
        // A locked embedded database stays locked: say so at once instead of retrying for half a minute.
        toRetry: (err: unknown) => !(err instanceof DataDirLockedError),
      }),
      // Every query issued inside a transaction runs in it, whoever issues it (see TransactionalDataSource).
      dataSourceFactory: (options) => Promise.resolve(new TransactionalDataSource(options!)),
    }),
  ],
})
export class DatabaseModule {}
