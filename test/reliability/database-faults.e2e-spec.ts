import { randomUUID } from 'node:crypto';
import { startTestAgent, TestAgent } from '../support/agents';
import { DedicatedPostgres } from '../support/dedicated-postgres';
import { eventually } from '../support/eventually';
import { insertToken, insertWorkspace } from '../support/factories';
import { FaultProxy } from '../support/fault-proxy';
import { LeakScanner } from '../support/leak-scanner';
import { LoadDriver, LoadOutcome } from '../support/load';
import { startTestApp, TestApp } from '../support/test-app';
import { openTestDatabase, TestDatabase } from '../support/test-database';
import { TestWsClient } from '../support/ws-client';

const ADMIN_TOKEN = 'database-faults-admin';
const PLATFORM_UNAVAILABLE = {
  error: 'platform datastore unavailable — retry shortly',
  code: 'platform_unavailable',
};
/** No request may take longer than this, database or not. */
const MAX_ANSWER_MS = 10_000;
/** After the database is back, everything works again within this. */
const RECONNECT_MS = 5_000;
const HEARTBEATING = 3;

interface Fleet {
  readonly ids: string[];
  readonly tokens: Map<string, string>;
}

/**
 * PostgreSQL taken away under heartbeat, activity, A2A, create and read load, then given back
 * (spec 01 §2.5: a datastore failure is `503 platform_unavailable`, never its text). The database
 * is a server of this file's own, reached through a proxy so it can also be frozen (a partition:
 * connections open, no answer). Two replicas serve, so the events relay's reconnection shows.
 */
describe('database faults', () => {
  let pg: DedicatedPostgres;
  let proxy: FaultProxy;
  let db: TestDatabase & { close(): Promise<void> };
  let replicas: TestApp[] = [];
  let agent: TestAgent;
  let fleet: Fleet;
  const sockets: TestWsClient[] = [];
  const scanner = new LeakScanner();

  beforeAll(async () => {
    pg = await DedicatedPostgres.start();
    proxy = await FaultProxy.start({ port: pg.port });
    const viaProxy = new URL(pg.url);
    viaProxy.port = String(proxy.port);
    db = openTestDatabase(pg.url);
    // The database's address is internal: no client may see it.
    scanner.plant('key', `127.0.0.1:${pg.port}`);
    scanner.plant('key', `127.0.0.1:${proxy.port}`);
    const env = { ADMIN_TOKEN, MOLECULE_ENV: 'development' };
    replicas = await Promise.all([
      startTestApp(viaProxy.toString(), env),
      startTestApp(viaProxy.toString(), env),
    ]);
    agent = await startTestAgent();
    const ids: string[] = [];
    const tokens = new Map<string, string>();
    for (let i = 0; i < HEARTBEATING; i++) {
      const id = await insertWorkspace(db, { url: agent.url, max_concurrent_tasks: 100 });
      ids.push(id);
      tokens.set(id, await insertToken(db, id));
    }
    fleet = { ids, tokens };
    for (const [i, replica] of replicas.entries())
      sockets.push(scanner.watch(await TestWsClient.connect(replica.baseUrl), `ws@replica${i}`));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await Promise.all(replicas.map((r) => r.close()));
    await agent?.close();
    await db?.close();
    await proxy?.close();
    await pg?.close();
  });

  /** Every load stream of one round, sent to replica 0 (heartbeats alternate between both). */
  function startLoad(round: string): LoadDriver {
    const load = new LoadDriver();
    const [a, b] = replicas.map((r) => scanner.http(r.http));
    const admin = a.withBearer(ADMIN_TOKEN);
    for (const [i, id] of fleet.ids.entries()) {
      const agentHttp = (i % 2 === 0 ? a : b).withBearer(fleet.tokens.get(id)!);
      load.run(`heartbeat ${i}`, (seq) =>
        agentHttp.post('/registry/heartbeat', {
          workspace_id: id,
          current_task: `${round}-beat-${seq}`,
          active_tasks: 0,
          uptime_seconds: 60 + seq,
          runtime_state: 'ok',
        }),
      );
    }
    const reporter = fleet.ids[0];
    const reporterHttp = a.withBearer(fleet.tokens.get(reporter)!);
    load.run('activity', (seq) =>
      reporterHttp.post(`/workspaces/${reporter}/activity`, {
        activity_type: 'agent_log',
        summary: `${round}-act-${seq}`,
      }),
    );
    load.run('a2a', (seq) =>
      a.post(`/workspaces/${fleet.ids[1]}/a2a`, {
        method: 'message/send',
        params: {
          message: {
            role: 'user',
            messageId: `${round}-a2a-${seq}`,
            parts: [{ kind: 'text', text: `${round}-a2a-${seq}` }],
          },
        },
      }),
    );
    load.run('create', (seq) => admin.post('/workspaces', { name: `${round}-create-${seq}` }), 50);
    load.run('read', () => admin.get(`/workspaces/${fleet.ids[2]}`));
    load.run('health', () => a.get('/health'), 100);
    return load;
  }

  async function underFault(
    round: string,
    outageMs: number,
    fault: () => Promise<void>,
    heal: () => Promise<void>,
  ): Promise<{ load: LoadDriver; faultAt: number; healedAt: number }> {
    const load = startLoad(round);
    await new Promise((r) => setTimeout(r, 800));
    const faultAt = Date.now();
    await fault();
    await new Promise((r) => setTimeout(r, outageMs));
    await heal();
    const healedAt = Date.now();
    // Let every stream run past the reconnection window and send a few requests after it (on a
    // loaded machine one request can take a while, so count requests rather than wait a fixed time).
    await new Promise((r) => setTimeout(r, RECONNECT_MS));
    await eventually(
      async () =>
        streams(load).every(
          (s) => load.outcomes(s).filter((o) => o.sentAt >= healedAt + RECONNECT_MS).length >= 2,
        )
          ? true
          : undefined,
      'every stream to send requests past the reconnection window',
      20_000,
    );
    await load.stop();
    return { load, faultAt, healedAt };
  }

  const ok = (o: LoadOutcome) => o.status >= 200 && o.status < 300;
  const streams = (load: LoadDriver) => [...new Set(load.outcomes().map((o) => o.stream))];

  async function expectTheServerCoped(
    round: string,
    { load, faultAt, healedAt }: { load: LoadDriver; faultAt: number; healedAt: number },
  ): Promise<void> {
    const outcomes = load.outcomes();
    // Bounded: no request hung, whatever the database did.
    const slowest = Math.max(...outcomes.map((o) => o.answeredAt - o.sentAt));
    expect(slowest).toBeLessThanOrEqual(MAX_ANSWER_MS);
    // Up, and in the contract's shape: success, or the canned 503 — nothing else, ever.
    const odd = outcomes.filter(
      (o) => !ok(o) && !(o.status === 503 && equal(o.body, PLATFORM_UNAVAILABLE)),
    );
    expect(odd.map((o) => `${o.stream}#${o.seq} ${o.status} ${o.text}`)).toEqual([]);
    expect(load.outcomes('health').every(ok)).toBe(true);
    for (const stream of streams(load).filter((s) => s !== 'health')) {
      // In flight at some point of the outage (frozen, a stream sends only a few requests: one
      // sent just before the fault may be the one that meets it).
      const during = load
        .outcomes(stream)
        .filter((o) => o.sentAt < healedAt && o.answeredAt >= faultAt);
      // The fault was felt by every stream (else this test proves nothing).
      expect({ stream, refused: during.some((o) => o.status === 503) }).toEqual({
        stream,
        refused: true,
      });
      // Back by itself: a success within the window, and nothing but success after it.
      const first = load.firstAfter(stream, healedAt, ok);
      expect({
        stream,
        back: first !== undefined && first.answeredAt - healedAt <= RECONNECT_MS,
      }).toEqual({ stream, back: true });
      const late = load.outcomes(stream).filter((o) => o.sentAt >= healedAt + RECONNECT_MS);
      expect({ stream, sentAfterTheWindow: late.length }).not.toEqual({
        stream,
        sentAfterTheWindow: 0,
      });
      expect(late.filter((o) => !ok(o)).map((o) => `${stream}#${o.seq} ${o.status}`)).toEqual([]);
    }
    await expectAcknowledgedWritesKept(round, load);
    await expectEventsAcrossReplicas();
    const refused = outcomes.filter((o) => o.status === 503).length;
    const backAfter = Math.max(
      ...streams(load)
        .filter((s) => s !== 'health')
        .map((s) => load.firstAfter(s, healedAt, ok)!.answeredAt - healedAt),
    );
    process.stdout.write(
      `database faults (${round}): ${outcomes.length} requests, ${refused} answered 503, ` +
        `slowest ${slowest} ms, every stream back ${backAfter} ms after the heal\n`,
    );
  }

  /** Every write the server acknowledged is in the database; refused A2A never reached the agent. */
  async function expectAcknowledgedWritesKept(round: string, load: LoadDriver): Promise<void> {
    const created = load.outcomes('create').filter((o) => o.status === 201);
    const rows = await db.query<{ id: string; name: string }>(
      `SELECT id, name FROM workspaces WHERE name LIKE $1`,
      [`${round}-create-%`],
    );
    const stored = new Map(rows.map((r) => [r.id, r.name]));
    expect(created.filter((o) => stored.get(o.body.id) !== `${round}-create-${o.seq}`)).toEqual([]);

    const reported = load.outcomes('activity').filter(ok);
    const summaries = new Set(
      (
        await db.query<{ summary: string }>(
          `SELECT summary FROM activity_logs WHERE workspace_id = $1 AND summary LIKE $2`,
          [fleet.ids[0], `${round}-act-%`],
        )
      ).map((r) => r.summary),
    );
    expect(reported.filter((o) => !summaries.has(`${round}-act-${o.seq}`))).toEqual([]);

    for (const [i, id] of fleet.ids.entries()) {
      const acked = load.outcomes(`heartbeat ${i}`).filter(ok);
      const [row] = await db.query<{ current_task: string }>(
        `SELECT current_task FROM workspaces WHERE id = $1`,
        [id],
      );
      const storedSeq = Number(row.current_task.replace(`${round}-beat-`, ''));
      expect(storedSeq).toBeGreaterThanOrEqual(Math.max(...acked.map((o) => o.seq)));
    }

    const received = new Set(
      agent.requests
        .map((r) => r.body?.params?.message?.messageId as string | undefined)
        .filter((m) => m?.startsWith(`${round}-a2a-`)),
    );
    const a2a = load.outcomes('a2a');
    expect(a2a.filter((o) => ok(o) && !received.has(`${round}-a2a-${o.seq}`))).toEqual([]);
    expect(a2a.filter((o) => o.status === 503 && received.has(`${round}-a2a-${o.seq}`))).toEqual(
      [],
    );
  }

  /** The LISTEN connection came back too: a heartbeat on one replica reaches the other's canvas. */
  async function expectEventsAcrossReplicas(): Promise<void> {
    const id = fleet.ids[0];
    const task = `relay-${randomUUID()}`;
    const res = await replicas[0].http
      .withBearer(fleet.tokens.get(id)!)
      .post('/registry/heartbeat', { workspace_id: id, current_task: task, uptime_seconds: 1 });
    expect(res.status).toBe(200);
    await sockets[1].next(
      (f) => f.event === 'TASK_UPDATED' && f.payload.current_task === task,
      RECONNECT_MS,
    );
  }

  it('PostgreSQL stopped, then started again', async () => {
    const result = await underFault(
      'stopped',
      2_500,
      () => pg.stop(),
      () => pg.resume(),
    );
    await expectTheServerCoped('stopped', result);
    scanner.expectNone();
  }, 90_000);

  // Longer than every bound (connect 2.5 s, statement 5 s), so the bounds are what answers.
  it('PostgreSQL frozen (connections open, no answer), then thawed', async () => {
    const result = await underFault(
      'frozen',
      8_000,
      async () => proxy.freeze(),
      () => proxy.restore(),
    );
    await expectTheServerCoped('frozen', result);
    scanner.expectNone();
  }, 90_000);
});

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
