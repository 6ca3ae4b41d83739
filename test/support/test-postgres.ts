import * as fs from 'node:fs';
import { freeLoopbackPort } from '../../src/provisioner/docker/loopback-ports';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDataSource, runMigrations } from '../../src/database/data-source';
import { EmbeddedPostgresServer } from '../../src/database/embedded-postgres';
import { withClient, withDatabase } from './pg-admin';

export interface TestPostgres {
  readonly adminUrl: string;
  readonly templateName: string;
  stop(): Promise<void>;
}

/**
 * The PostgreSQL the integration tests run against: the server in DATABASE_URL when set,
 * otherwise a throw-away embedded one. Migrations run once, into a template database that
 * each test file clones.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  let embedded: EmbeddedPostgresServer | undefined;
  let dataDir: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-test-pg-'));
    fs.chmodSync(dataDir, 0o755);
    embedded = new EmbeddedPostgresServer({
      dataDir: path.join(dataDir, 'cluster'),
      port: await freeLoopbackPort(),
      // Two workers, each file with up to a few apps of 25 connections plus its own pools:
      // PostgreSQL's default of 100 runs out in the longer suites (test:faults).
      settings: { max_connections: '400' },
    });
    adminUrl = await embedded.start();
  }

  const templateName = `molecule_tpl_${process.pid}_${Date.now().toString(36)}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE "${templateName}"`));
  const dataSource = createDataSource(withDatabase(adminUrl, templateName), 2);
  await dataSource.initialize();
  await runMigrations(dataSource);
  await dataSource.destroy();

  return {
    adminUrl,
    templateName,
    stop: async () => {
      if (embedded) {
        await embedded.stop();
        fs.rmSync(dataDir!, { recursive: true, force: true });
      } else {
        await dropDatabasesLike(adminUrl!, templateName);
      }
    },
  };
}

/** Removes the template and every clone made from it (external servers only). */
async function dropDatabasesLike(adminUrl: string, templateName: string): Promise<void> {
  await withClient(adminUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [templateName, `${templateName}_%`],
    );
    for (const { datname } of rows)
      await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}
