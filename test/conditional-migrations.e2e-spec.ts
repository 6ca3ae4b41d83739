import { QueryRunner } from 'typeorm';
import { ConditionalMigration } from '../migrations/conditional';
import { createDataSource, runMigrations } from '../src/database/data-source';
import { useTestDatabase } from './support/test-database';
import { quietLogs } from './support/unit';

/** A migration that adds a table when `available` says so; `fail` makes its `up` throw. */
function optionalTable(
  name: string,
  table: string,
  state: { available: boolean; fail?: boolean },
): ConditionalMigration {
  return {
    name,
    applies: async () => state.available,
    up: async (db: QueryRunner) => {
      await db.query(`CREATE TABLE ${table} (id int)`);
      if (state.fail) throw new Error('extension could not be created');
    },
    down: async (db: QueryRunner) => {
      await db.query(`DROP TABLE ${table}`);
    },
  };
}

describe('conditional migrations', () => {
  const db = useTestDatabase();
  quietLogs();
  const recorded = async (name: string) =>
    (await db.query(`SELECT 1 FROM typeorm_migrations WHERE name = $1`, [name])).length === 1;
  const tableExists = async (table: string) =>
    (await db.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [table]))[0].t !==
    null;

  async function boot(conditional: ConditionalMigration[]): Promise<string[]> {
    const dataSource = createDataSource(db.url, 2);
    await dataSource.initialize();
    try {
      return await runMigrations(dataSource, conditional);
    } finally {
      await dataSource.destroy();
    }
  }

  it('are skipped and not recorded until they apply, then run once and are recorded', async () => {
    const state = { available: false };
    const migration = optionalTable('OptionalVector1765200000100', 'optional_vector', state);

    expect(await boot([migration])).toEqual([]);
    expect(await recorded(migration.name)).toBe(false);
    expect(await tableExists('optional_vector')).toBe(false);

    state.available = true;
    expect(await boot([migration])).toEqual([migration.name]);
    expect(await recorded(migration.name)).toBe(true);
    expect(await tableExists('optional_vector')).toBe(true);

    // Recorded: never offered again.
    expect(await boot([migration])).toEqual([]);
  });

  it('a failing one is rolled back, not recorded, and does not stop the boot', async () => {
    const state = { available: true, fail: true };
    const failing = optionalTable('OptionalBroken1765200000101', 'optional_broken', state);
    const fine = optionalTable('OptionalFine1765200000102', 'optional_fine', { available: true });

    expect(await boot([failing, fine])).toEqual([fine.name]);
    expect(await recorded(failing.name)).toBe(false);
    expect(await tableExists('optional_broken')).toBe(false);

    state.fail = false;
    expect(await boot([failing, fine])).toEqual([failing.name]);
    expect(await tableExists('optional_broken')).toBe(true);
  });
});
