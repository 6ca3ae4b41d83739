import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChildServer } from './support/child-server';
import { JournalEntry, readJournal } from './support/child-server/journal-docker';
import { eventually } from './support/eventually';
import { lifecycleRow, settled } from './support/lifecycle';
import { useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'lifecycle-crash-admin';
const LEASE_SECONDS = 2;

/**
 * SIGKILL in the middle of a provision and of a restart (spec 04 issue: "nothing stays
 * provisioning for ever"). Each server is a child process; the journalled engine shows which
 * process did what, and the database shows the claim the dead one left behind.
 */
describe('a server killed mid-provision', () => {
  const db = useTestDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-crash-'));
  const journal = path.join(dir, 'engine.jsonl');
  const hangFile = path.join(dir, 'hang');
  const servers: ChildServer[] = [];

  const start = async () => {
    const server = await ChildServer.start(db.url, {
      ADMIN_TOKEN,
      ENGINE_JOURNAL: journal,
      ENGINE_HANG_FILE: hangFile,
      RECONCILE_LEASE_SECONDS: String(LEASE_SECONDS),
      RECONCILE_SCAN_INTERVAL_SECONDS: '1',
    });
    servers.push(server);
    return server;
  };
  const hangStarts = (on: boolean) =>
    on ? fs.writeFileSync(hangFile, '') : fs.rmSync(hangFile, { force: true });
  const startsOf = (id: string, pid: number): JournalEntry[] =>
    readJournal(journal).filter((e) => e.call === 'start' && e.workspaceId === id && e.pid === pid);
  const startEntered = (id: string, server: ChildServer) =>
    eventually(
      async () => startsOf(id, server.pid)[0],
      `a start of ${id} by ${server.pid}`,
      20_000,
    );

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.kill()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The stand-in runtime: registers with the token its container got. */
  async function register(server: ChildServer, id: string, entry: JournalEntry) {
    const token = entry.configFiles!['.auth_token'];
    const res = await server.http
      .withBearer(token)
      .post('/registry/register', { id, url: 'http://localhost:9', agent_card: {} });
    expect(res.status).toBe(200);
  }

  it('another server finishes the provision, and later a killed restart, once the lease lapses', async () => {
    // A provision killed in flight.
    hangStarts(true);
    const first = await start();
    const created = await first.http
      .withBearer(ADMIN_TOKEN)
      .post('/workspaces', { name: 'Survivor' });
    expect([created.status, created.body.status]).toEqual([201, 'provisioning']);
    const id = created.body.id as string;
    await startEntered(id, first);
    await first.kill();
    expect(await lifecycleRow(db, id)).toMatchObject({
      status: 'provisioning',
      observed_generation: 0,
      reconcile_owner: expect.any(String),
    });

    hangStarts(false);
    const second = await start();
    const row = await settled(db, id, { timeoutMs: 20_000 });
    expect(row).toMatchObject({ status: 'provisioning', observed_state: 'running' });
    const [provisioned] = startsOf(id, second.pid);
    expect(provisioned.configFiles!['.auth_token']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await register(second, id, provisioned);
    expect((await lifecycleRow(db, id)).status).toBe('online');

    // A restart killed in flight.
    hangStarts(true);
    const restarted = await second.http.withBearer(ADMIN_TOKEN).post(`/workspaces/${id}/restart`);
    expect(restarted.status).toBe(200);
    await eventually(
      async () => (startsOf(id, second.pid).length === 2 ? true : undefined),
      'the restart to reach the engine',
      20_000,
    );
    await second.kill();
    expect((await lifecycleRow(db, id)).status).toBe('provisioning');

    hangStarts(false);
    const third = await start();
    expect(await settled(db, id, { timeoutMs: 20_000 })).toMatchObject({
      status: 'provisioning',
      observed_state: 'running',
      reconcile_owner: null,
    });
    const [reprovisioned] = startsOf(id, third.pid);
    expect(reprovisioned.configFiles!['.auth_token']).not.toBe(
      provisioned.configFiles!['.auth_token'],
    );
    await register(third, id, reprovisioned);
    expect((await lifecycleRow(db, id)).status).toBe('online');
  }, 120_000);
});
