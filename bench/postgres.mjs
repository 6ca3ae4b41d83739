import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import process from 'node:process';
import { URL } from 'node:url';
import pg from 'pg';

const require = createRequire(import.meta.url);

/**
 * The database the bench runs against, always a fresh and empty one: a throw-away embedded
 * PostgreSQL (temp dir, free port) when DATABASE_URL is unset, otherwise a new database on
 * that server, dropped afterwards. The app instances apply the migrations when they boot.
 */
export async function startPostgres(scope) {
  const external = process.env.DATABASE_URL?.trim();
  return external ? createScratchDatabase(scope, external) : startEmbedded(scope);
}

async function startEmbedded(scope) {
  // The built server's own wrapper, so the bench runs the same binaries as `npm start`.
  const { EmbeddedPostgresServer } = require('../dist/src/database/embedded-postgres.js');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-bench-pg-'));
  // As root the cluster runs as the `postgres` user, which must be able to enter the dir.
  fs.chmodSync(dataDir, 0o755);
  scope.defer('embedded PostgreSQL data dir', () =>
    fs.rmSync(dataDir, { recursive: true, force: true }),
  );
  const server = new EmbeddedPostgresServer({
    dataDir: path.join(dataDir, 'cluster'),
    port: await freePort(),
    database: 'molecule_bench',
    // Room for the memory benchmark's million-row corpus (about 0.8 GB with its indexes) to
    // stay cached, as on a server sized for its data; the default is 128 MB.
    settings: { shared_buffers: '1GB' },
  });
  scope.defer('embedded PostgreSQL', () => server.stop());
  return server.start();
}

async function createScratchDatabase(scope, adminUrl) {
  const name = `molecule_bench_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  scope.defer(`database ${name}`, () =>
    withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  );
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A fresh database on the bench's server, dropped once everything that uses it has stopped. */
export async function createDatabase(scope, serverUrl, suffix) {
  const base = new URL(serverUrl);
  const name = `${base.pathname.slice(1)}_${suffix}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  scope.defer(`database ${name}`, async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
  });
  base.pathname = `/${name}`;
  return base.toString();
}
