import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { INTERRUPTED_DELIVERY_ERROR } from '../../src/a2a/queue/a2a-queue.repository';
import { INTERRUPTED_FIRE_ERROR } from '../../src/scheduler/firing/schedule-firer';
import { RecordedRequest, startTestAgent, TestAgent } from '../support/agents';
import { ChildServer } from '../support/child-server';
import { JournalEntry, readJournal } from '../support/child-server/journal-docker';
import { eventually } from '../support/eventually';
import { insertWorkspace } from '../support/factories';
import { LeakScanner } from '../support/leak-scanner';
import { lifecycleRow, settled } from '../support/lifecycle';
import { useTestDatabase } from '../support/test-database';
import { TestWsClient } from '../support/ws-client';

const ADMIN_TOKEN = 'replica-faults-admin';
const LEASE_SECONDS = 2;
/** Everything a dead replica held is taken over and settled within this of its death. */
const RECOVERY_MS = 12_000;
const FAR_FUTURE = new Date('2100-01-01T00:00:00Z');

interface ScheduleRow {
  id: string;
  run_count: number;
  last_status: string;
  last_error: string;
  firing_since: Date | null;
  firing_owner: string | null;
  firing_message_id: string | null;
}

/** The message ids an agent received for `message/send`, in arrival order. */
const messageIds = (agent: TestAgent) =>
  agent.requests
    .filter((r: RecordedRequest) => r.body?.method === 'message/send')
    .map((r) => String(r.body.params.message.messageId));

/**
 * One of two server instances (each a child process) killed with SIGKILL in the middle of its
 * work — a provision, a scheduler tick's fires, a queue drain, the claiming transaction itself —
 * and the other one finishing it: no schedule fired twice or lost, no queued message delivered
 * twice or lost, no workspace stuck, nothing held for longer than a lease.
 */
describe('replica faults', () => {
  const db = useTestDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replica-faults-'));
  const journal = path.join(dir, 'journal.jsonl');
  const servers: ChildServer[] = [];
  const agents: TestAgent[] = [];
  const sockets: TestWsClient[] = [];
  const scanner = new LeakScanner();

  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
    await Promise.all(servers.splice(0).map((s) => s.kill()));
    await Promise.all(agents.splice(0).map((a) => a.close()));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    scanner.expectNone();
  });

  /** A server on the test's database; `hangs` arms its hang points (see child-server). */
  async function serve(hangs: Record<string, string> = {}): Promise<ChildServer> {
    const server = await ChildServer.start(db.url, {
      ADMIN_TOKEN,
      MOLECULE_ENV: 'development',
      ENGINE_JOURNAL: journal,
      ENGINE_HANG_FILE: path.join(dir, 'no-engine-hang'),
      RECONCILE_LEASE_SECONDS: String(LEASE_SECONDS),
      RECONCILE_SCAN_INTERVAL_SECONDS: '1',
      DELIVERY_LEASE_SECONDS: String(LEASE_SECONDS),
      SCHEDULER_POLL_INTERVAL_MS: '200',
      ...hangs,
    });
    servers.push(server);
    sockets.push(
      scanner.watch(await TestWsClient.connect(server.http.baseUrl), `ws@${server.pid}`),
    );
    return server;
  }

  async function agent(options: Parameters<typeof startTestAgent>[0] = {}): Promise<TestAgent> {
    const started = await startTestAgent(options);
    agents.push(started);
    return started;
  }

  /** A hang file, armed for `ids` (or for everything when none are given). */
  function hangFile(name: string, ids: string[] = []): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, ids.join('\n'));
    return file;
  }

  const visits = (call: string, pid: number): JournalEntry[] =>
    readJournal(journal).filter((e) => e.call === call && e.pid === pid);
  const visited = (call: string, server: ChildServer, count: number) =>
    eventually(
      async () => (visits(call, server.pid).length >= count ? true : undefined),
      `${count} × ${call} on ${server.pid}`,
      20_000,
    );

  async function insertSchedules(workspaceId: string, count: number): Promise<string[]> {
    const rows = await db.query<{ id: string }>(
      `INSERT INTO workspace_schedules (workspace_id, name, cron_expr, prompt, next_run_at)
       SELECT $1::uuid, 'yearly-' || n || '-' || $1::text, '0 0 1 1 *', 'happy new year ' || n, $2
         FROM generate_series(1, $3) AS n
       RETURNING id`,
      [workspaceId, FAR_FUTURE, count],
    );
    return rows.map((r) => r.id);
  }

  const makeDue = (ids: string[]) =>
    db.query(
      `UPDATE workspace_schedules SET next_run_at = now() - interval '1 second' WHERE id = ANY($1)`,
      [ids],
    );

  const schedules = (ids: string[]) =>
    db.query<ScheduleRow>(
      `SELECT id, run_count, last_status, last_error, firing_since, firing_owner, firing_message_id
         FROM workspace_schedules WHERE id = ANY($1) ORDER BY id`,
      [ids],
    );

  const cronRuns = async (ids: string[]) =>
    (
      await db.query<{ schedule_id: string }>(
        `SELECT request_body->>'schedule_id' AS schedule_id FROM activity_logs
          WHERE activity_type = 'cron_run' AND request_body->>'schedule_id' = ANY($1)`,
        [ids],
      )
    ).map((r) => r.schedule_id);

  it('a replica killed mid-provision, mid-tick and mid-drain: the other finishes all of it, once', async () => {
    // Agents: one answers at once; two hold every request until released (busy).
    const quick = await agent({ text: 'on it' });
    const held = await agent({ busy: 'hold' });
    const queueAgent = await agent({ busy: 'hold' });
    const quickWs = await insertWorkspace(db, { url: quick.url, max_concurrent_tasks: 100 });
    const heldWs = await insertWorkspace(db, { url: held.url, max_concurrent_tasks: 100 });
    const queueWs = await insertWorkspace(db, { url: queueAgent.url, max_concurrent_tasks: 1 });
    const unsentFires = await insertSchedules(quickWs, 3);
    const sentFires = await insertSchedules(heldWs, 3);
    const queued = await db.query<{ id: string }>(
      `INSERT INTO a2a_queue (workspace_id, caller_id, priority, body, method, idempotency_key, enqueued_at)
       SELECT $1, NULL, 50,
              jsonb_build_object('jsonrpc', '2.0', 'id', 'q' || n, 'method', 'message/send',
                'params', jsonb_build_object('message', jsonb_build_object(
                  'role', 'user', 'messageId', 'queued-' || n,
                  'parts', jsonb_build_array(jsonb_build_object('kind', 'text', 'text', 'queued ' || n))))),
              'message/send', 'queued-' || n, now() - make_interval(secs => 10 - n)
         FROM generate_series(1, 3) AS n
       RETURNING id`,
      [queueWs],
    );
    const [unsentItem, sentItem, waitingItem] = queued.map((r) => r.id);

    const doomed = await serve({
      ENGINE_HANG_FILE: hangFile('engine-hang'),
      SCHEDULER_SEND_HANG_FILE: hangFile('send-hang', unsentFires),
      QUEUE_SEND_HANG_FILE: hangFile('queue-hang', [unsentItem]),
    });
    const admin = scanner.http(doomed.http).withBearer(ADMIN_TOKEN);

    // A provision, stuck in the engine.
    const created = await admin.post('/workspaces', { name: 'Mid-provision' });
    expect([created.status, created.body.status]).toEqual([201, 'provisioning']);
    const provisioning = created.body.id as string;
    await visited('start', doomed, 1);

    // A tick: three fires claimed and not yet sent, three sent and in flight at a busy agent.
    await makeDue([...unsentFires, ...sentFires]);
    await visited('schedule.claimed', doomed, 3);
    await held.waitForRequests(3);
    const claimed = new Map((await schedules(unsentFires)).map((s) => [s.id, s.firing_message_id]));

    // A drain: one delivery claimed and not yet sent, the next one sent and in flight.
    const beat = (server: ChildServer) =>
      server.http.post('/registry/heartbeat', {
        workspace_id: queueWs,
        active_tasks: 0,
        uptime_seconds: 60,
      });
    expect((await beat(doomed)).status).toBe(200);
    await visited('delivery.claimed', doomed, 1);
    expect((await beat(doomed)).status).toBe(200);
    await queueAgent.waitForRequests(1);

    const survivor = await serve();
    await doomed.kill();
    const killedAt = Date.now();
    // The busy agents free up: what they held is answered into a dead socket.
    held.release();
    queueAgent.release();

    // The survivor's heartbeats drive the drain, as the runtime's would.
    let draining = true;
    const drains = (async () => {
      while (draining) {
        await beat(survivor);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      await eventually(
        async () => {
          const fires = await schedules([...unsentFires, ...sentFires]);
          const items = await db.query<{ status: string }>(
            `SELECT status FROM a2a_queue WHERE workspace_id = $1 AND status IN ('queued', 'dispatched')`,
            [queueWs],
          );
          const row = await lifecycleRow(db, provisioning);
          return fires.every((f) => f.run_count === 1) &&
            items.length === 0 &&
            row.observed_generation === row.desired_generation &&
            row.reconcile_owner === null
            ? true
            : undefined;
        },
        'the survivor to finish what the dead replica held',
        RECOVERY_MS,
      );
    } finally {
      draining = false;
      await drains;
    }
    const recoveredInMs = Date.now() - killedAt;
    expect(recoveredInMs).toBeLessThan(RECOVERY_MS);

    // Fires never sent were sent once, by the survivor, with the ids claimed before the crash.
    const quickIds = messageIds(quick);
    expect(quickIds.sort()).toEqual([...claimed.values()].sort());
    for (const row of await schedules(unsentFires))
      expect(row).toMatchObject({ run_count: 1, last_status: 'ok', firing_owner: null });
    // Fires in flight when it died: on record as interrupted, never sent again.
    expect(messageIds(held)).toHaveLength(3);
    for (const row of await schedules(sentFires)) {
      expect(row).toMatchObject({
        run_count: 1,
        last_status: 'error',
        last_error: INTERRUPTED_FIRE_ERROR,
        firing_since: null,
        firing_owner: null,
      });
    }
    expect((await cronRuns([...unsentFires, ...sentFires])).sort()).toEqual(
      [...unsentFires, ...sentFires].sort(),
    );

    // The queue: the unsent delivery and the waiting one delivered once, the one in flight
    // closed as interrupted — each message reached the agent exactly once.
    const items = await db.query<{ id: string; status: string; last_error: string | null }>(
      `SELECT id, status, last_error FROM a2a_queue WHERE workspace_id = $1`,
      [queueWs],
    );
    const byId = new Map(items.map((i) => [i.id, i]));
    expect(byId.get(unsentItem)).toMatchObject({ status: 'completed' });
    expect(byId.get(waitingItem)).toMatchObject({ status: 'completed' });
    expect(byId.get(sentItem)).toMatchObject({ status: 'failed' });
    expect(byId.get(sentItem)!.last_error).toContain(INTERRUPTED_DELIVERY_ERROR);
    expect(messageIds(queueAgent).sort()).toEqual(['queued-1', 'queued-2', 'queued-3']);

    // The provision: finished by the survivor, which the workspace then registers with.
    const row = await settled(db, provisioning, { timeoutMs: RECOVERY_MS });
    expect(row).toMatchObject({ status: 'provisioning', observed_state: 'running' });
    const [start] = visits('start', survivor.pid).filter((e) => e.workspaceId === provisioning);
    const registered = await scanner
      .http(survivor.http)
      .withBearer(start.configFiles!['.auth_token'])
      .post('/registry/register', { id: provisioning, url: 'http://localhost:9', agent_card: {} });
    expect(registered.status).toBe(200);
    expect((await lifecycleRow(db, provisioning)).status).toBe('online');

    // Nothing left blocked: the next slot of every schedule fires, once.
    await makeDue([...unsentFires, ...sentFires]);
    await eventually(
      async () =>
        (await schedules([...unsentFires, ...sentFires])).every((s) => s.run_count === 2)
          ? true
          : undefined,
      'every schedule to fire its next slot',
    );
    expect(messageIds(quick)).toHaveLength(6);
    expect(messageIds(held)).toHaveLength(6);
  }, 90_000);

  it('a replica killed inside its claiming transaction: the rows it locked fire once, on the other', async () => {
    const quick = await agent({ text: 'on it' });
    const ws = await insertWorkspace(db, { url: quick.url, max_concurrent_tasks: 100 });
    const ids = await insertSchedules(ws, 5);
    const doomed = await serve({ SCHEDULER_CLAIM_HANG_FILE: hangFile('claim-hang') });
    await makeDue(ids);
    await visited('scheduler.claim_due locked', doomed, 5);

    const survivor = await serve();
    // The rows stay locked by the open transaction: the survivor's ticks pass them by.
    expect(messageIds(quick)).toEqual([]);
    await doomed.kill();
    const killedAt = Date.now();

    await eventually(
      async () => ((await schedules(ids)).every((s) => s.run_count === 1) ? true : undefined),
      'every locked row to fire on the survivor',
      RECOVERY_MS,
    );
    expect(Date.now() - killedAt).toBeLessThan(RECOVERY_MS);
    expect(messageIds(quick)).toHaveLength(5);
    expect(new Set(messageIds(quick)).size).toBe(5);
    expect((await cronRuns(ids)).sort()).toEqual([...ids].sort());
    expect(survivor.pid).not.toBe(doomed.pid);
  }, 60_000);
});
