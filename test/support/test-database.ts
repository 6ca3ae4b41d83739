import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { closeOpenApps } from './open-apps';
import { ENV_ADMIN_URL, ENV_TEMPLATE, withClient, withDatabase } from './pg-admin';

export interface TestDatabase {
  readonly url: string;
  /** A small pool for the test's own arrange/assert queries. */
  readonly pool: Pool;
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
}

/** Clones the migrated template into a fresh database for one test file. */
export async function createTestDatabase(): Promise<TestDatabase & { drop(): Promise<void> }> {
  const adminUrl = requireEnv(ENV_ADMIN_URL);
  const template = requireEnv(ENV_TEMPLATE);
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, async (c) => {
    // Two workers cloning the template at the same instant can collide (55006); retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== '55006' || attempt > 50) throw err;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  });
  const url = withDatabase(adminUrl, name);
  const pool = new Pool({ connectionString: url, max: 4 });
  let dropping = false;
  // A client still closing when the forced drop lands gets "terminating connection due to
  // administrator command" (57P01); unhandled, it would fail whatever test runs next.
  pool.on('error', (err) => {
    if (!dropping) throw err;
  });
  return {
    url,
    pool,
    query: async <R extends object>(text: string, values?: unknown[]) =>
      (await pool.query<R & object>(text, values)).rows as R[],
    drop: async () => {
      await closeOpenApps(url);
      dropping = true;
      await pool.end();
      await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** Jest lifecycle wrapper: one database per test file. */
export function useTestDatabase(): TestDatabase {
  let db: (TestDatabase & { drop(): Promise<void> }) | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  return {
    get url() {
      return must(db).url;
    },
    get pool() {
      return must(db).pool;
    },
    query: (text, values) => must(db).query(text, values),
  };
}

function must<T>(value: T | undefined): T {
  if (!value) throw new Error('test database not ready (used outside a test?)');
  return value;
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is unset: integration tests need the jest global setup`);
  return value;
}

/** A test's handle on a database it did not clone (a dedicated server's); `close()` ends its pool. */
export function openTestDatabase(url: string): TestDatabase & { close(): Promise<void> } {
  const pool = new Pool({ connectionString: url, max: 4 });
  // The server may be stopped under the test's feet: an idle client's error is expected then.
  pool.on('error', () => undefined);
  return {
    url,
    pool,
    query: async <R extends object>(text: string, values?: unknown[]) =>
      (await pool.query<R & object>(text, values)).rows as R[],
    close: () => pool.end(),
  };
}
