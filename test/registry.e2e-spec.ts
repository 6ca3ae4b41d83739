import { randomUUID } from 'node:crypto';
import { HeartbeatHooks, HeartbeatSignal } from '../src/registry/heartbeat/heartbeat-hooks';
import { RuntimeOverrides } from '../src/registry/heartbeat/runtime-overrides';
import { insertToken, insertWorkspace } from './support/factories';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';

const AGENT_CARD = {
  name: 'Agent',
  description: 'd',
  version: '0.1.0',
  skills: [{ id: 's', name: 'S' }],
};

describe('registry: register, heartbeat, update-card', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, { ADMIN_TOKEN: 'registry-admin' });
  const row = async (id: string) =>
    (await db.query<any>('SELECT * FROM workspaces WHERE id = $1', [id]))[0];
  const liveTokens = async (id: string) =>
    (
      await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM workspace_auth_tokens WHERE workspace_id = $1 AND revoked_at IS NULL',
        [id],
      )
    )[0].n;
  let ws: TestWsClient;
  beforeEach(async () => {
    ws = await TestWsClient.connect(app.baseUrl);
  });
  afterEach(() => ws.close());

  describe('POST /registry/register', () => {
    it('creates an unknown workspace online, stores the card, and hands out its first token once', async () => {
      const id = randomUUID();
      const res = await app.http.post('/registry/register', {
        id,
        url: 'http://localhost:9001',
        agent_card: AGENT_CARD,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'registered',
        auth_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
      const stored = await row(id);
      expect(stored).toMatchObject({
        name: id,
        status: 'online',
        url: 'http://localhost:9001',
        agent_card: AGENT_CARD,
      });
      expect(stored.last_heartbeat_at).not.toBeNull();
      const event = await ws.nextEvent('WORKSPACE_ONLINE', id);
      expect(event.payload).toEqual({ url: 'http://localhost:9001', agent_card: AGENT_CARD });

      // Re-registering with the token never rotates it.
      const again = await app.http
        .withBearer(res.body.auth_token)
        .post('/registry/register', { id, url: 'http://localhost:9001', agent_card: AGENT_CARD });
      expect(again.body).toEqual({ status: 'registered' });
      expect(await liveTokens(id)).toBe(1);
    });

    it('moves any non-removed status to online and keeps a provisioner-assigned loopback URL', async () => {
      const id = await insertWorkspace(db, { status: 'failed', url: 'http://127.0.0.1:32801' });
      const res = await app.http.post('/registry/register', {
        id,
        url: 'http://localhost:8000',
        agent_card: null,
      });
      expect(res.status).toBe(200);
      expect(await row(id)).toMatchObject({
        status: 'online',
        url: 'http://127.0.0.1:32801',
        internal_url: 'http://localhost:8000',
        agent_card: null,
      });
      expect((await ws.nextEvent('WORKSPACE_ONLINE', id)).payload).toEqual({
        url: 'http://127.0.0.1:32801',
        agent_card: null,
      });
    });

    it('refuses to resurrect a removed workspace: no token, no event', async () => {
      const id = await insertWorkspace(db, { status: 'removed' });
      const res = await app.http.post('/registry/register', {
        id,
        url: 'http://localhost:9002',
        agent_card: {},
      });
      expect(res.status).toBe(410);
      expect(res.body).toEqual({ error: 'workspace removed' });
      expect((await row(id)).status).toBe('removed');
      expect(await liveTokens(id)).toBe(0);
      const events = await db.query('SELECT 1 FROM structure_events WHERE workspace_id = $1', [id]);
      expect(events).toEqual([]);
    });

    it('requires the workspace token once it has one (hijack blocked, nothing written)', async () => {
      const id = await insertWorkspace(db, { status: 'offline', url: 'http://localhost:1' });
      const token = await insertToken(db, id);
      const missing = await app.http.post('/registry/register', {
        id,
        url: 'http://localhost:666',
        agent_card: {},
      });
      expect(missing.status).toBe(401);
      expect(missing.body).toEqual({ error: 'missing workspace auth token' });
      const wrong = await app.http
        .withBearer('x'.repeat(43))
        .post('/registry/register', { id, url: 'http://localhost:666', agent_card: {} });
      expect(wrong.body).toEqual({ error: 'invalid workspace auth token' });
      const other = await insertToken(db, await insertWorkspace(db));
      expect(
        (
          await app.http
            .withBearer(other)
            .post('/registry/register', { id, url: 'http://localhost:666', agent_card: {} })
        ).status,
      ).toBe(401);
      expect(await row(id)).toMatchObject({ status: 'offline', url: 'http://localhost:1' });
      const ok = await app.http
        .withBearer(token)
        .post('/registry/register', { id, url: 'http://localhost:7', agent_card: {} });
      expect(ok.status).toBe(200);
    });

    it.each([
      ['not JSON', 'nope'],
      ['no url', { id: randomUUID(), agent_card: {} }],
      ['empty url', { id: randomUUID(), url: '', agent_card: {} }],
      ['no agent_card', { id: randomUUID(), url: 'http://localhost:1' }],
      ['only id', { id: randomUUID() }],
      ['id not a string', { id: 7, url: 'http://localhost:1', agent_card: {} }],
      ['id not a UUID', { id: 'ws-1', url: 'http://localhost:1', agent_card: {} }],
      ['array body', [1, 2]],
    ])('answers 400 invalid request body for %s', async (_, body) => {
      const res = await app.http.post('/registry/register', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid request body' });
    });

    it.each([
      ['http://127.0.0.1:8000', 'loopback'],
      ['http://169.254.169.254/latest', 'link-local'],
      ['http://10.1.2.3:8000', 'private'],
      ['ftp://example.com/x', 'scheme'],
    ])('rejects the unsafe URL %s with the generic 400 and a reason', async (url, why) => {
      const id = randomUUID();
      const res = await app.http.post('/registry/register', { id, url, agent_card: {} });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid request body');
      expect(res.body.detail).toMatch(/^url rejected: /);
      expect(res.body.detail).toContain(why === 'scheme' ? 'ftp' : why);
      expect(await row(id)).toBeUndefined();
    });

    it('checks the URL before the token (a bad URL is a 400 even without credentials)', async () => {
      const id = await insertWorkspace(db);
      await insertToken(db, id);
      const res = await app.http.post('/registry/register', {
        id,
        url: 'http://127.0.0.1:1',
        agent_card: {},
      });
      expect(res.status).toBe(400);
    });
  });

  describe('POST /registry/heartbeat', () => {
    const beat = (body: Record<string, unknown>, token?: string) =>
      (token ? app.http.withBearer(token) : app.http).post('/registry/heartbeat', {
        uptime_seconds: 60,
        ...body,
      });

    it('records every field and answers ok', async () => {
      const id = await insertWorkspace(db, { status: 'online' });
      const res = await beat({
        workspace_id: id,
        error_rate: 0.2,
        sample_error: 'slow',
        active_tasks: 2,
        uptime_seconds: 120,
        current_task: 'build',
        monthly_spend: 1234,
        unknown_field: true,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
      expect(await row(id)).toMatchObject({
        last_error_rate: 0.2,
        last_sample_error: 'slow',
        active_tasks: 2,
        uptime_seconds: 120,
        current_task: 'build',
        monthly_spend: '1234',
        status: 'online',
      });
    });

    it('broadcasts TASK_UPDATED only when the task changed, then always WORKSPACE_HEARTBEAT', async () => {
      const id = await insertWorkspace(db, { status: 'online', current_task: 'a' });
      await beat({ workspace_id: id, current_task: 'a', active_tasks: 1 });
      await beat({ workspace_id: id, current_task: 'b', active_tasks: 1 });
      await beat({ workspace_id: id, active_tasks: 0 });
      await ws.next(
        (f) =>
          f.workspace_id === id &&
          f.event === 'WORKSPACE_HEARTBEAT' &&
          f.payload.active_tasks === 0,
      );
      const mine = ws.frames.filter((f) => f.workspace_id === id).map((f) => [f.event, f.payload]);
      expect(mine).toEqual([
        ['WORKSPACE_HEARTBEAT', { active_tasks: 1, uptime_seconds: 60 }],
        ['TASK_UPDATED', { current_task: 'b', active_tasks: 1 }],
        ['WORKSPACE_HEARTBEAT', { active_tasks: 1, uptime_seconds: 60 }],
        ['TASK_UPDATED', { current_task: '', active_tasks: 0 }],
        ['WORKSPACE_HEARTBEAT', { active_tasks: 0, uptime_seconds: 60 }],
      ]);
    });

    it('answers ok and still broadcasts the heartbeat for an unknown or removed workspace, writing nothing', async () => {
      const removed = await insertWorkspace(db, { status: 'removed', current_task: 'x' });
      expect((await beat({ workspace_id: removed, active_tasks: 3 })).status).toBe(200);
      expect(await row(removed)).toMatchObject({ status: 'removed', active_tasks: 0 });
      const unknown = randomUUID();
      expect((await beat({ workspace_id: unknown })).status).toBe(200);
      await ws.nextEvent('WORKSPACE_HEARTBEAT', unknown);
      expect(await row(unknown)).toBeUndefined();
    });

    describe('status rules', () => {
      it.each([
        [
          'online',
          { error_rate: 0.5 },
          'degraded',
          'WORKSPACE_DEGRADED',
          { error_rate: 0.5, sample_error: '' },
        ],
        [
          'online',
          { error_rate: 0.8, sample_error: 'boom' },
          'degraded',
          'WORKSPACE_DEGRADED',
          { error_rate: 0.8, sample_error: 'boom' },
        ],
        [
          'online',
          { runtime_state: 'wedged', sample_error: 'stuck' },
          'degraded',
          'WORKSPACE_DEGRADED',
          { runtime_state: 'wedged', sample_error: 'stuck' },
        ],
        ['degraded', { error_rate: 0.05 }, 'online', 'WORKSPACE_ONLINE', {}],
        ['offline', { error_rate: 0.9 }, 'online', 'WORKSPACE_ONLINE', {}],
        ['provisioning', {}, 'online', 'WORKSPACE_ONLINE', { recovered_from: 'provisioning' }],
      ])('%s + %j → %s with %s', async (from, report, to, event, payload) => {
        const id = await insertWorkspace(db, { status: from });
        await beat({ workspace_id: id, ...report });
        expect((await row(id)).status).toBe(to);
        expect((await ws.nextEvent(event, id)).payload).toEqual(payload);
        const recorded = await db.query<any>(
          'SELECT event_type, payload FROM structure_events WHERE workspace_id = $1',
          [id],
        );
        expect(recorded).toEqual([{ event_type: event, payload }]);
      });

      it.each([
        ['online', { error_rate: 0.49 }],
        ['online', { error_rate: 0.2, runtime_state: 'warming' }],
        ['degraded', { error_rate: 0.1 }],
        ['degraded', { error_rate: 0, runtime_state: 'wedged' }],
        ['failed', { error_rate: 0 }],
        ['paused', {}],
        ['hibernated', {}],
        ['awaiting_agent', {}],
      ])('%s + %j leaves the status alone', async (status, report) => {
        const id = await insertWorkspace(db, { status });
        await beat({ workspace_id: id, ...report });
        expect((await row(id)).status).toBe(status);
        expect(
          await db.query('SELECT 1 FROM structure_events WHERE workspace_id = $1', [id]),
        ).toEqual([]);
      });

      it('a wedged heartbeat with a high error rate emits one degrade event, not two', async () => {
        const id = await insertWorkspace(db, { status: 'online' });
        await beat({
          workspace_id: id,
          runtime_state: 'wedged',
          error_rate: 0.9,
          sample_error: 'r',
        });
        expect(
          await db.query<any>('SELECT event_type FROM structure_events WHERE workspace_id = $1', [
            id,
          ]),
        ).toEqual([{ event_type: 'WORKSPACE_DEGRADED' }]);
      });

      it('status_mgmt declared in the same heartbeat turns off error-rate inference, not the wedge report', async () => {
        const id = await insertWorkspace(db, { status: 'online' });
        const native = { capabilities: { status_mgmt: true } };
        await beat({ workspace_id: id, error_rate: 0.9, runtime_metadata: native });
        expect((await row(id)).status).toBe('online');
        await beat({ workspace_id: id, runtime_state: 'wedged', runtime_metadata: native });
        expect((await row(id)).status).toBe('degraded');
        await beat({ workspace_id: id, error_rate: 0, runtime_metadata: native });
        expect((await row(id)).status).toBe('degraded');
      });

      it('a task-push heartbeat (uptime 0) neither recovers health nor resets uptime or error rate', async () => {
        const id = await insertWorkspace(db, { status: 'degraded' });
        await beat({
          workspace_id: id,
          error_rate: 0.7,
          sample_error: 'e',
          uptime_seconds: 300,
          current_task: 't',
        });
        await beat({
          workspace_id: id,
          error_rate: 0,
          sample_error: '',
          uptime_seconds: 0,
          active_tasks: 1,
          current_task: 'next',
        });
        expect(await row(id)).toMatchObject({
          status: 'degraded',
          last_error_rate: 0.7,
          last_sample_error: 'e',
          uptime_seconds: 300,
          active_tasks: 1,
          current_task: 'next',
        });
      });
    });

    it('the first full heartbeat after boot (uptime 0, error rate 0, runtime_metadata) recovers and resets health', async () => {
      const id = await insertWorkspace(db, { status: 'degraded' });
      await beat({ workspace_id: id, error_rate: 0.7, sample_error: 'e', uptime_seconds: 900 });
      await beat({
        workspace_id: id,
        error_rate: 0,
        sample_error: '',
        uptime_seconds: 0,
        runtime_metadata: { capabilities: { heartbeat: true, status_mgmt: false } },
      });
      expect(await row(id)).toMatchObject({
        status: 'online',
        last_error_rate: 0,
        last_sample_error: '',
        uptime_seconds: 0,
      });
    });

    it("a wedged runtime's reason is kept even when it reports uptime 0 and error rate 0", async () => {
      const id = await insertWorkspace(db, { status: 'online' });
      await beat({ workspace_id: id, sample_error: 'old', error_rate: 0.2 });
      await beat({
        workspace_id: id,
        uptime_seconds: 0,
        error_rate: 0,
        runtime_state: 'wedged',
        sample_error: 'stuck in a tool call',
      });
      expect(await row(id)).toMatchObject({
        status: 'degraded',
        last_sample_error: 'stuck in a tool call',
        last_error_rate: 0,
      });
    });

    it('a client that reports no uptime is still degraded by its error rate', async () => {
      const id = await insertWorkspace(db, { status: 'online' });
      await beat({ workspace_id: id, uptime_seconds: 0, error_rate: 0.7, sample_error: 'boom' });
      expect(await row(id)).toMatchObject({
        status: 'degraded',
        last_error_rate: 0.7,
        last_sample_error: 'boom',
      });
    });

    it.each([
      [-5, 0],
      [250, 250],
      [1_000_000_000_000, 1_000_000_000_000],
      [Number.MAX_SAFE_INTEGER, 1_000_000_000_000],
    ])('clamps monthly_spend %p to %p (zero never overwrites)', async (sent, stored) => {
      const id = await insertWorkspace(db, { monthly_spend: 77 });
      await beat({ workspace_id: id, monthly_spend: sent });
      expect(Number((await row(id)).monthly_spend)).toBe(stored === 0 ? 77 : stored);
    });

    it.each([
      ['not JSON', '{'],
      ['no workspace_id', { error_rate: 0 }],
      ['fractional active_tasks', { workspace_id: randomUUID(), active_tasks: 1.5 }],
      ['string error_rate', { workspace_id: randomUUID(), error_rate: 'high' }],
      [
        'non-boolean capability',
        { workspace_id: randomUUID(), runtime_metadata: { capabilities: { session: 'yes' } } },
      ],
      ['non-UUID workspace_id', { workspace_id: 'abc' }],
    ])('answers 400 invalid request body for %s', async (_, body) => {
      const res = await app.http.post('/registry/heartbeat', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid request body' });
    });

    it('requires the bearer once the workspace has a token', async () => {
      const id = await insertWorkspace(db, { status: 'online' });
      const token = await insertToken(db, id);
      expect((await beat({ workspace_id: id })).body).toEqual({
        error: 'missing workspace auth token',
      });
      expect((await beat({ workspace_id: id }, 'nope')).body).toEqual({
        error: 'invalid workspace auth token',
      });
      expect((await beat({ workspace_id: id }, token)).status).toBe(200);
    });

    it('a heartbeat marks its token used at most once a minute', async () => {
      const id = await insertWorkspace(db, { status: 'online' });
      const token = await insertToken(db, id);
      const usedAt = async () =>
        (
          await db.query<any>(
            'SELECT last_used_at FROM workspace_auth_tokens WHERE workspace_id = $1',
            [id],
          )
        )[0].last_used_at;
      await beat({ workspace_id: id }, token);
      const first = await usedAt();
      expect(first).not.toBeNull();
      await beat({ workspace_id: id }, token);
      expect(await usedAt()).toEqual(first);
      await db.query(
        `UPDATE workspace_auth_tokens SET last_used_at = now() - interval '2 minutes' WHERE workspace_id = $1`,
        [id],
      );
      const stale = await usedAt();
      await beat({ workspace_id: id }, token);
      expect((await usedAt()).getTime()).toBeGreaterThan(stale.getTime());
    });

    it('updates the runtime overrides only when runtime_metadata is present', async () => {
      const id = await insertWorkspace(db, { status: 'online' });
      const overrides = app.get(RuntimeOverrides);
      await beat({
        workspace_id: id,
        runtime_metadata: {
          capabilities: { session: true, scheduler: false },
          idle_timeout_seconds: 600,
        },
      });
      expect(overrides.hasCapability(id, 'session')).toBe(true);
      expect(overrides.hasCapability(id, 'scheduler')).toBe(false);
      expect(overrides.idleTimeoutMs(id)).toBe(600_000);
      await beat({ workspace_id: id });
      expect(overrides.hasCapability(id, 'session')).toBe(true);
      await beat({ workspace_id: id, runtime_metadata: {} });
      expect(overrides.hasCapability(id, 'session')).toBe(false);
      expect(overrides.idleTimeoutMs(id)).toBeUndefined();
    });

    it('tells heartbeat listeners about known workspaces, with their capacity', async () => {
      const seen: HeartbeatSignal[] = [];
      app.get(HeartbeatHooks).on((signal) => void seen.push(signal));
      const id = await insertWorkspace(db, { status: 'online', max_concurrent_tasks: 3 });
      await beat({ workspace_id: id, active_tasks: 2 });
      await beat({ workspace_id: randomUUID(), active_tasks: 0 });
      await new Promise((r) => setImmediate(r));
      expect(seen.filter((s) => s.workspaceId === id)).toEqual([
        { workspaceId: id, activeTasks: 2, maxConcurrentTasks: 3, queued: false },
      ]);
      expect(seen).toHaveLength(1);
    });

    it('tells heartbeat listeners whether A2A messages wait or are in flight in the queue', async () => {
      const seen: HeartbeatSignal[] = [];
      app.get(HeartbeatHooks).on((signal) => void seen.push(signal));
      // At capacity, so the app's own drainer leaves the queue as this test sets it.
      const id = await insertWorkspace(db, { status: 'online', max_concurrent_tasks: 1 });
      const busy = { workspace_id: id, active_tasks: 1 };
      await beat(busy);
      await db.query(`INSERT INTO a2a_queue (workspace_id, body) VALUES ($1, '{}')`, [id]);
      await beat(busy);
      await db.query(`UPDATE a2a_queue SET status = 'dispatched' WHERE workspace_id = $1`, [id]);
      await beat(busy);
      await db.query(`UPDATE a2a_queue SET status = 'completed' WHERE workspace_id = $1`, [id]);
      await beat(busy);
      await new Promise((r) => setImmediate(r));
      // Waiting, then in flight (a lapsed lease is the claim's to take back), then done.
      expect(seen.filter((s) => s.workspaceId === id).map((s) => s.queued)).toEqual([
        false,
        true,
        true,
        false,
      ]);
    });
  });

  describe('POST /registry/update-card', () => {
    it('replaces the card and records AGENT_CARD_UPDATED', async () => {
      const id = await insertWorkspace(db, { agent_card: { name: 'old' } });
      const res = await app.http.post('/registry/update-card', {
        workspace_id: id,
        agent_card: { name: 'new' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'updated' });
      expect((await row(id)).agent_card).toEqual({ name: 'new' });
      expect((await ws.nextEvent('AGENT_CARD_UPDATED', id)).payload).toEqual({
        agent_card: { name: 'new' },
      });
    });

    it('refuses a removed or unknown workspace with 404 and no event', async () => {
      const removed = await insertWorkspace(db, { status: 'removed' });
      for (const id of [removed, randomUUID()]) {
        const res = await app.http.post('/registry/update-card', {
          workspace_id: id,
          agent_card: {},
        });
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: 'workspace not found' });
      }
      expect(
        await db.query('SELECT 1 FROM structure_events WHERE workspace_id = $1', [removed]),
      ).toEqual([]);
    });

    it('validates the body and the token', async () => {
      expect(
        (await app.http.post('/registry/update-card', { workspace_id: randomUUID() })).body,
      ).toEqual({ error: 'invalid request body' });
      expect((await app.http.post('/registry/update-card', 'x')).status).toBe(400);
      const id = await insertWorkspace(db);
      await insertToken(db, id);
      const res = await app.http.post('/registry/update-card', {
        workspace_id: id,
        agent_card: {},
      });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'missing workspace auth token' });
    });
  });
});
