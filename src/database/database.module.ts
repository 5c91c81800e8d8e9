import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { NativeReads } from './native-reads';
import { enforceQueryDeadline } from './query-deadline';
import { runMigrations } from './run-migrations';
import { TransactionRunner } from './transaction-runner';

/**
 * The connection, with the schema migrated before anything uses it, and the one TransactionRunner
 * (SQLite's transactions share one connection and one queue) and NativeReads every feature uses.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.database),
        retryAttempts: 5,
        retryDelay: 3_000,
      }),
      dataSourceFactory: async (options?: DataSourceOptions) => {
        const dataSource = await new DataSource(options!).initialize();
        try {
          await runMigrations(dataSource);
        } catch (error) {
          // Nest retries the factory: each attempt must not leave a pool behind.
          await dataSource.destroy();
          throw error;
        }
        // After the migrations, which may rightly wait long for the lock or an ALTER.
        if (dataSource.options.type === 'mysql') enforceQueryDeadline(dataSource);
        return dataSource;
      },
    }),
  ],
  providers: [TransactionRunner, NativeReads],
  exports: [TransactionRunner, NativeReads],
})
export class DatabaseModule {}
