import { types } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';

/** Arbitrary but fixed: serialises schema migrations across replicas booting together. */
const MIGRATION_LOCK_KEY = 7_240_001;

/** BIGINT columns (budgets, spend, counts) fit in a double; parse them as numbers. */
const parseInt8 = (value: string) => Number(value);

export function createDataSource(url: string, poolSize = 25): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    extra: {
      max: poolSize,
      idleTimeoutMillis: 30_000,
      types: {
        getTypeParser: (oid: number, format?: 'text' | 'binary') =>
          oid === types.builtins.INT8 ? parseInt8 : types.getTypeParser(oid, format),
      },
    },
  });
}

/**
 * Applies pending migrations under a session advisory lock, so replicas that boot at the
 * same time run them once. Schema comes only from migrations; `synchronize` is never used.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await runner.release();
  }
}
