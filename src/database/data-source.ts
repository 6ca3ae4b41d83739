import { Logger } from '@nestjs/common';
import { types } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import { CONDITIONAL_MIGRATIONS, MIGRATIONS } from '../../migrations';
import type { ConditionalMigration } from '../../migrations/conditional';
import { ENTITIES } from './entities';

/** Arbitrary but fixed: serialises schema migrations across replicas booting together. */
const MIGRATION_LOCK_KEY = 7_240_001;
const MIGRATIONS_TABLE = 'typeorm_migrations';

/** BIGINT columns (budgets, spend, counts) fit in a double; parse them as numbers. */
const parseInt8 = (value: string) => Number(value);

export interface PoolOptions {
  readonly size?: number;
  /** Bound on waiting for a free connection and on opening one (0: unbounded). */
  readonly connectTimeoutMs?: number;
}

export function createDataSource(url: string, pool: number | PoolOptions = {}): DataSource {
  const { size = 25, connectTimeoutMs = 0 } = typeof pool === 'number' ? { size: pool } : pool;
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    extra: {
      max: size,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: connectTimeoutMs,
      // A peer that vanished without a word (host down, partition) is noticed on idle sockets too.
      keepAlive: true,
      types: {
        getTypeParser: (oid: number, format?: 'text' | 'binary') =>
          oid === types.builtins.INT8 ? parseInt8 : types.getTypeParser(oid, format),
      },
    },
  });
}

/**
 * Applies pending migrations under a session advisory lock, so replicas that boot at the
 * same time run them once, then the conditional ones this server can take. Schema comes only
 * from migrations; `synchronize` is never used.
 */
export async function runMigrations(
  dataSource: DataSource,
  conditional: readonly ConditionalMigration[] = CONDITIONAL_MIGRATIONS,
): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return [
      ...applied.map((m) => m.name),
      ...(await runConditionalMigrations(runner, conditional)),
    ];
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await runner.release();
  }
}

/**
 * Runs each conditional migration not yet recorded whose `applies` says yes, in its own
 * transaction, and records it only when `up` succeeded. A failure is rolled back and logged;
 * the migration is offered again at the next boot.
 */
async function runConditionalMigrations(
  runner: QueryRunner,
  migrations: readonly ConditionalMigration[],
): Promise<string[]> {
  if (migrations.length === 0) return [];
  const logger = new Logger('Database');
  const recorded = new Set(
    ((await runner.query(`SELECT name FROM ${MIGRATIONS_TABLE}`)) as { name: string }[]).map(
      (r) => r.name,
    ),
  );
  const applied: string[] = [];
  for (const migration of migrations) {
    if (recorded.has(migration.name)) continue;
    if (!(await migration.applies(runner))) {
      logger.log({ migration: migration.name }, 'conditional migration not applicable; skipped');
      continue;
    }
    await runner.startTransaction();
    try {
      await migration.up(runner);
      await runner.query(`INSERT INTO ${MIGRATIONS_TABLE} ("timestamp", name) VALUES ($1, $2)`, [
        Number(migration.name.slice(-13)),
        migration.name,
      ]);
      await runner.commitTransaction();
      applied.push(migration.name);
    } catch (err) {
      await runner.rollbackTransaction().catch(() => undefined);
      logger.warn(
        { migration: migration.name, err },
        'conditional migration failed; not recorded, will be retried at the next boot',
      );
    }
  }
  return applied;
}
