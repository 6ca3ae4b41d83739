import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueueDrainer } from '../src/a2a/queue/queue-drainer';
import { Clock } from '../src/common/clock/clock';
import { useTestAgents } from './support/agents';
import { insertWorkspace } from './support/factories';
import { FakeClock } from './support/fake-clock';
import { startTestApp, TestApp, useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';
import { eventually } from './support/eventually';

const ENV = { MOLECULE_ENV: 'development', ADMIN_TOKEN: 'queue-admin' };
const message = (text: string, messageId?: string) => ({
  method: 'message/send',
  params: {
    message: { role: 'user', parts: [{ kind: 'text', text }], ...(messageId ? { messageId } : {}) },
  },
});

describe('A2A busy queue', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, ENV);
  const agents = useTestAgents();
  const queueRows = (id: string) =>
    db.query<any>('SELECT * FROM a2a_queue WHERE workspace_id = $1 ORDER BY enqueued_at', [id]);
  const heartbeat = (id: string, activeTasks = 0, extra: Record<string, unknown> = {}) =>
    app.http.post('/registry/heartbeat', {
      workspace_id: id,
      active_tasks: activeTasks,
      uptime_seconds: 60,
      ...extra,
    });

  it('queues a message for a busy agent and delivers it, once, after a heartbeat with spare capacity', async () => {
    const agent = await agents.start({ busy: 'drop', text: 'finally' });
    const id = await insertWorkspace(db, { url: agent.url, name: 'Busy' });
    const ws = await TestWsClient.connect(app.baseUrl);
    try {
      const res = await app.http.post(`/workspaces/${id}/a2a`, message('later please', 'msg-1'));
      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        queued: true,
        queue_id: expect.any(String),
        queue_depth: 1,
        message: 'workspace agent busy — request queued, will dispatch when capacity available',
      });
      const [row] = await queueRows(id);
      expect(row).toMatchObject({
        id: res.body.queue_id,
        status: 'queued',
        priority: 50,
        method: 'message/send',
        idempotency_key: 'msg-1',
        caller_id: null,
        attempts: 0,
      });
      expect(row.expires_at).not.toBeNull();
      // No activity row yet: it is written once, when the message is delivered.
      expect(await db.query('SELECT 1 FROM activity_logs WHERE workspace_id = $1', [id])).toEqual(
        [],
      );

      agent.release();
      const beforeDrain = agent.requests.filter((r) => r.method === 'POST').length;
      await heartbeat(id, 1, {}); // no spare capacity (max 1): nothing drained
      await heartbeat(id, 0);
      await eventually(
        async () => ((await queueRows(id))[0].status === 'completed' ? true : undefined),
        'delivery',
      );
      expect(agent.requests.filter((r) => r.method === 'POST').length).toBe(beforeDrain + 1);
      const response = await ws.nextEvent('A2A_RESPONSE', id);
      expect(response.payload.response_body.result.parts).toEqual([
        { kind: 'text', text: 'finally' },
      ]);
      // The delivery row is written beside the reply, not before the queue row settles.
      const rows = await eventually(async () => {
        const all = await db.query<any>(
          'SELECT status, summary FROM activity_logs WHERE workspace_id = $1',
          [id],
        );
        return all.length > 0 ? all : undefined;
      }, 'the delivery row');
      expect(rows).toEqual([{ status: 'ok', summary: 'message/send → Busy' }]);

      await heartbeat(id, 0);
      await new Promise((r) => setTimeout(r, 50));
      expect(agent.requests.filter((r) => r.method === 'POST').length).toBe(beforeDrain + 1);
    } finally {
      await ws.close();
    }
  });

  it('does not queue the same message twice while it is pending', async () => {
    const agent = await agents.start({ busy: 'reset' });
    const id = await insertWorkspace(db, { url: agent.url });
    const first = await app.http.post(`/workspaces/${id}/a2a`, message('a', 'same-id'));
    const second = await app.http.post(`/workspaces/${id}/a2a`, message('a', 'same-id'));
    expect(second.body.queue_id).toBe(first.body.queue_id);
    expect(await queueRows(id)).toHaveLength(1);
  });

  it('a target with a native session answers 503 and queues nothing', async () => {
    const agent = await agents.start({ busy: 'drop' });
    const id = await insertWorkspace(db, { url: agent.url });
    await heartbeat(id, 1, { runtime_metadata: { capabilities: { session: true } } });
    const res = await app.http.post(`/workspaces/${id}/a2a`, message('x'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(res.body).toEqual({
      error: 'workspace agent busy — adapter handles retry (native_session)',
      busy: true,
      retry_after: 30,
      native_session: true,
    });
    expect(await queueRows(id)).toEqual([]);
  });

  it('a drain that finds the target still busy leaves the message queued', async () => {
    const agent = await agents.start({ busy: 'drop' });
    const id = await insertWorkspace(db, { url: agent.url });
    await app.http.post(`/workspaces/${id}/a2a`, message('x'));
    expect(await app.get(QueueDrainer).drainOne(id)).toBe('requeued');
    const [row] = await queueRows(id);
    expect(row).toMatchObject({
      status: 'queued',
      attempts: 1,
      last_error: 'target still busy',
      dispatched_at: null,
    });
  });

  it('fails a message after five undeliverable attempts', async () => {
    const agent = await agents.start({ busy: 'drop' });
    const id = await insertWorkspace(db, { url: agent.url });
    await app.http.post(`/workspaces/${id}/a2a`, message('x'));
    await agent.close();
    const drainer = app.get(QueueDrainer);
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await drainer.drainOne(id));
    expect(outcomes).toEqual(['requeued', 'requeued', 'requeued', 'requeued', 'failed']);
    expect((await queueRows(id))[0]).toMatchObject({
      status: 'failed',
      attempts: 5,
      last_error: 'failed to reach workspace agent',
    });
    expect(await drainer.drainOne(id)).toBe('empty');
  });

  it('drains oldest first', async () => {
    const agent = await agents.start({ busy: 'drop' });
    const id = await insertWorkspace(db, { url: agent.url });
    await app.http.post(`/workspaces/${id}/a2a`, message('first', 'm-first'));
    await app.http.post(`/workspaces/${id}/a2a`, message('second', 'm-second'));
    agent.release();
    await app.get(QueueDrainer).drainOne(id);
    const delivered = agent.requests.filter((r) => r.method === 'POST').pop()!;
    expect(delivered.body.params.message.messageId).toBe('m-first');
  });

  describe('with two instances draining the same queue', () => {
    let second: TestApp;
    beforeAll(async () => {
      second = await startTestApp(db.url, ENV);
    });
    afterAll(() => second.close());

    it('each message is delivered exactly once', async () => {
      const agent = await agents.start({ busy: 'drop' });
      const id = await insertWorkspace(db, { url: agent.url });
      for (let i = 0; i < 4; i++)
        await app.http.post(`/workspaces/${id}/a2a`, message(`m${i}`, `m-${i}`));
      agent.release();
      const before = agent.requests.filter((r) => r.method === 'POST').length;
      const drainers = [app.get(QueueDrainer), second.get(QueueDrainer)];
      // Eight concurrent claims for four messages, half on each instance.
      const outcomes = await Promise.all(
        [...drainers, ...drainers, ...drainers, ...drainers].map((d) => d.drainOne(id)),
      );
      expect(outcomes.filter((o) => o === 'delivered')).toHaveLength(4);
      const delivered = agent.requests.filter((r) => r.method === 'POST').slice(before);
      expect(delivered.map((r) => r.body.params.message.messageId).sort()).toEqual([
        'm-0',
        'm-1',
        'm-2',
        'm-3',
      ]);
      expect((await queueRows(id)).map((r) => r.status)).toEqual([
        'completed',
        'completed',
        'completed',
        'completed',
      ]);
    });
  });

  describe('POST /admin/a2a-queue/drop-stale', () => {
    const admin = () => app.http.withBearer('queue-admin');
    const insertQueued = async (
      workspaceId: string,
      minutesOld: number,
      lastError: string | null = null,
    ) =>
      db.query(
        `INSERT INTO a2a_queue (workspace_id, body, enqueued_at, last_error) VALUES ($1, '{}', now() - make_interval(mins => $2), $3)`,
        [workspaceId, minutesOld, lastError],
      );

    it('drops queued rows older than the window, keeping an audit note', async () => {
      const a = await insertWorkspace(db);
      const b = await insertWorkspace(db);
      await insertQueued(a, 90);
      await insertQueued(a, 30, 'earlier');
      await insertQueued(b, 120, 'old');
      const scoped = await admin().post(
        `/admin/a2a-queue/drop-stale?workspace_id=${b}&max_age_minutes=60`,
      );
      expect(scoped.body).toEqual({ dropped: 1 });
      const all = await admin().post('/admin/a2a-queue/drop-stale');
      expect(all.status).toBe(200);
      expect(all.body).toEqual({ dropped: 1 });
      const rows = await db.query<any>(
        'SELECT status, last_error FROM a2a_queue WHERE workspace_id = ANY($1) ORDER BY enqueued_at',
        [[a, b]],
      );
      expect(rows.map((r) => r.status)).toEqual(['dropped', 'dropped', 'queued']);
      expect(rows[0].last_error).toMatch(
        /^old\n\[DropStaleQueueItems\] auto-dropped: queue item age exceeded the post-incident TTL\. Dropped at /,
      );
      expect(rows[1].last_error).toMatch(/^\[DropStaleQueueItems\] auto-dropped/);
    });

    it('reads max_age_minutes like Go Atoi (a leading + is fine)', async () => {
      const res = await admin().post('/admin/a2a-queue/drop-stale?max_age_minutes=%2B5');
      expect([res.status, res.body]).toEqual([200, { dropped: expect.any(Number) }]);
    });

    it.each(['bad', '0', '-5', '1.5', ''])('400 for max_age_minutes=%p', async (value) => {
      const res = await admin().post(`/admin/a2a-queue/drop-stale?max_age_minutes=${value}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'max_age_minutes must be a positive integer' });
    });

    it('an empty max_age_minutes drops nothing (an unset script variable is not the default)', async () => {
      const a = await insertWorkspace(db);
      await insertQueued(a, 90);
      const res = await admin().post(
        `/admin/a2a-queue/drop-stale?max_age_minutes=&workspace_id=${a}`,
      );
      expect(res.status).toBe(400);
      const rows = await db.query<any>('SELECT status FROM a2a_queue WHERE workspace_id = $1', [a]);
      expect(rows.map((r) => r.status)).toEqual(['queued']);
    });

    it('an age beyond what an interval holds keeps nothing younger than it: no 500, nothing dropped', async () => {
      const a = await insertWorkspace(db);
      await insertQueued(a, 90);
      for (const age of ['2147483648', '9007199254740991']) {
        const res = await admin().post(
          `/admin/a2a-queue/drop-stale?max_age_minutes=${age}&workspace_id=${a}`,
        );
        expect([age, res.status, res.body]).toEqual([age, 200, { dropped: 0 }]);
      }
      const rows = await db.query<any>('SELECT status FROM a2a_queue WHERE workspace_id = $1', [a]);
      expect(rows.map((r) => r.status)).toEqual(['queued']);
    });

    it('repeated query keys take their first value, as the other routes do', async () => {
      const a = await insertWorkspace(db);
      const b = await insertWorkspace(db);
      await insertQueued(a, 10);
      await insertQueued(b, 10);
      const res = await admin().post(
        `/admin/a2a-queue/drop-stale?max_age_minutes=5&max_age_minutes=600&workspace_id=${a}&workspace_id=${b}`,
      );
      expect([res.status, res.body]).toEqual([200, { dropped: 1 }]);
      const rows = await db.query<any>(
        'SELECT workspace_id, status FROM a2a_queue WHERE workspace_id = ANY($1)',
        [[a, b]],
      );
      expect(Object.fromEntries(rows.map((r) => [r.workspace_id, r.status]))).toEqual({
        [a]: 'dropped',
        [b]: 'queued',
      });
    });

    it('needs admin auth', async () => {
      const res = await app.http.post('/admin/a2a-queue/drop-stale');
      expect(res.status).toBe(401);
    });
  });
});

describe('A2A dispatch deadlines (fake clock, no sleeping)', () => {
  const db = useTestDatabase();
  const clock = new FakeClock();
  const app = useTestApp(db, { ...ENV, A2A_IDLE_TIMEOUT_SECONDS: '60' }, [
    { provide: Clock, useValue: clock },
  ]);
  const agents = useTestAgents();
  const SECOND = 1000;

  /** An agent that holds every request and tells us when the platform hangs up on it. */
  let server: Server;
  let held: { req: IncomingMessage; res: ServerResponse; closed: boolean }[] = [];
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const entry = { req, res, closed: false };
      res.on('close', () => (entry.closed = true));
      req.resume();
      held.push(entry);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    for (const h of held) h.res.destroy();
    held = [];
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const answer = (entry: (typeof held)[number]) =>
    entry.res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { kind: 'message', parts: [] } }));
  const arrived = () => eventually(async () => held[held.length - 1], 'the request at the agent');

  it('gives up after the idle window, cancelling the upstream call, and queues the message', async () => {
    const id = await insertWorkspace(db, { url });
    const pending = app.http.post(`/workspaces/${id}/a2a`, message('slow'));
    const entry = await arrived();
    clock.advance(59 * SECOND);
    expect(entry.closed).toBe(false);
    clock.advance(1 * SECOND);
    const res = await pending;
    expect(res.status).toBe(202);
    expect(res.body.queued).toBe(true);
    await eventually(
      async () => (entry.closed ? true : undefined),
      'the upstream request to be aborted',
    );
  });

  it('an SDK agent that never answers is given up on the same way', async () => {
    const agent = await agents.start({ mode: 'neverAnswer' });
    const id = await insertWorkspace(db, { url: agent.url });
    const pending = app.http.post(`/workspaces/${id}/a2a`, message('anyone there?'));
    await agent.waitForRequests(1);
    clock.advance(60 * SECOND);
    expect((await pending).status).toBe(202);
  });

  it('any event about the target — a heartbeat — restarts the idle window', async () => {
    const id = await insertWorkspace(db, { url });
    const pending = app.http.post(`/workspaces/${id}/a2a`, message('long task'));
    const entry = await arrived();
    for (let i = 0; i < 5; i++) {
      clock.advance(50 * SECOND);
      await app.http.post('/registry/heartbeat', {
        workspace_id: id,
        active_tasks: 1,
        uptime_seconds: 10,
      });
    }
    expect(entry.closed).toBe(false);
    answer(entry);
    expect((await pending).status).toBe(200);
  });

  it('honours the per-workspace idle override declared by the adapter', async () => {
    const id = await insertWorkspace(db, { url });
    await app.http.post('/registry/heartbeat', {
      workspace_id: id,
      active_tasks: 0,
      uptime_seconds: 10,
      runtime_metadata: { idle_timeout_seconds: 600 },
    });
    const pending = app.http.post(`/workspaces/${id}/a2a`, message('x'));
    const entry = await arrived();
    clock.advance(599 * SECOND);
    expect(entry.closed).toBe(false);
    clock.advance(1 * SECOND);
    expect((await pending).status).toBe(202);
  });

  it('X-Timeout bounds the whole call for real', async () => {
    const id = await insertWorkspace(db, { url });
    const pending = app.http.post(`/workspaces/${id}/a2a`, message('x'), {
      headers: { 'X-Timeout': '5' },
    });
    const entry = await arrived();
    clock.advance(4 * SECOND);
    expect(entry.closed).toBe(false);
    clock.advance(1 * SECOND);
    expect((await pending).status).toBe(202);
  });

  it.each(['0', '-3', 'soon', '1.5'])('ignores X-Timeout %p', async (value) => {
    const id = await insertWorkspace(db, { url });
    const pending = app.http.post(`/workspaces/${id}/a2a`, message('x'), {
      headers: { 'X-Timeout': value },
    });
    const entry = await arrived();
    clock.advance(30 * SECOND);
    expect(entry.closed).toBe(false);
    answer(entry);
    expect((await pending).status).toBe(200);
  });

  it('agent callers get a 30-minute ceiling even while the target keeps heartbeating', async () => {
    const parent = await insertWorkspace(db);
    const id = await insertWorkspace(db, { url, parent_id: parent });
    const caller = await insertWorkspace(db, { parent_id: parent });
    const pending = app.http.post(`/workspaces/${id}/a2a`, message('x'), {
      headers: { 'X-Workspace-ID': caller },
    });
    const entry = await arrived();
    for (let minute = 0; minute < 29; minute++) {
      clock.advance(60 * SECOND - 1);
      await app.http.post('/registry/heartbeat', {
        workspace_id: id,
        active_tasks: 1,
        uptime_seconds: 10,
      });
    }
    expect(entry.closed).toBe(false);
    clock.advance(60 * SECOND);
    const res = await pending;
    expect(res.status).toBe(202);
  });
});
