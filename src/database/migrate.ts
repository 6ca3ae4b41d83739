import 'reflect-metadata';
import { loadConfig } from '../config/load-config';
import { createDataSource, runMigrations } from './data-source';
import { resolveDatabase } from './resolve-database';

/**
 * Applies the pending migrations (`migrations/index.ts`) to DATABASE_URL — or to the embedded
 * PostgreSQL when it is unset — and says which ran. The server does the same at every boot;
 * this is for deployments that migrate as a separate step (`npm run migration:run`).
 */
export async function migrate(env: NodeJS.ProcessEnv): Promise<string[]> {
  const { config, embedded } = await resolveDatabase(loadConfig(env).config);
  try {
    // Two connections: one holds the migration lock while the other migrates.
    const dataSource = createDataSource(config.databaseUrl!, 2);
    await dataSource.initialize();
    try {
      return await runMigrations(dataSource);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await embedded?.stop();
  }
}

if (require.main === module) {
  migrate(process.env).then(
    (applied) => {
      process.stdout.write(
        applied.length === 0
          ? 'schema up to date: no pending migration\n'
          : `applied ${applied.length} migration(s):\n${applied.map((n) => `  ${n}\n`).join('')}`,
      );
    },
    (err: unknown) => {
      process.stderr.write(
        `migration failed: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
