import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { Database } from './database.service';
import { createDataSource, runMigrations } from './data-source';

/**
 * Opens the TypeORM data source (the single pg pool) and applies migrations on boot.
 * The embedded PostgreSQL, when used, is started before the app and stopped after it
 * (see `server.ts`), so this module only ever sees a DATABASE_URL.
 */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        if (!config.databaseUrl)
          throw new Error('DATABASE_URL must be resolved before the app starts');
        const dataSource = createDataSource(config.databaseUrl, {
          connectTimeoutMs: config.databaseConnectTimeoutMs,
        });
        await dataSource.initialize();
        const applied = await runMigrations(dataSource);
        if (applied.length > 0) new Logger('Database').log({ applied }, 'migrations applied');
        return dataSource;
      },
    },
    Database,
  ],
  exports: [DataSource, Database],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
