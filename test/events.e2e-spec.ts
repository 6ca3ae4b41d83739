import { EventEmitter } from '../src/events/event-emitter.port';
import { PgEventRelay } from '../src/events/pg-event-relay';
import { SubscriberAccess } from '../src/events/ws/subscriber-access';
import { insertToken, insertWorkspace } from './support/factories';
import { TestSseClient } from './support/sse-client';
import { startTestApp, TestApp, useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';

describe('events', () => {
  const ADMIN = 'events-admin-token';
  const db = useTestDatabase();
  const app = useTestApp(db, { ADMIN_TOKEN: ADMIN });
  const admin = () => app.http.withBearer(ADMIN);
  const emitter = () => app.get(EventEmitter);

  describe('GET /ws', () => {
    it('delivers every event to a canvas client as one envelope per frame', async () => {
      const ws = await TestWsClient.connect(app.baseUrl);
      try {
        const id = await insertWorkspace(db);
        await emitter().recordAndBroadcast('WORKSPACE_ONLINE', id, { url: 'http://x' });
        emitter().broadcastOnly('WORKSPACE_HEARTBEAT', id, { active_tasks: 0, uptime_seconds: 5 });
        const online = await ws.nextEvent('WORKSPACE_ONLINE', id);
        expect(Object.keys(online).sort()).toEqual([
          'event',
          'payload',
          'timestamp',
          'workspace_id',
        ]);
        expect(online.payload).toEqual({ url: 'http://x' });
        expect(new Date(online.timestamp).toISOString()).toBe(online.timestamp);
        const hb = await ws.nextEvent('WORKSPACE_HEARTBEAT', id);
        expect(hb.payload).toEqual({ active_tasks: 0, uptime_seconds: 5 });
        expect(ws.frames.indexOf(online)).toBeLessThan(ws.frames.indexOf(hb));
      } finally {
        await ws.close();
      }
    });

    it('sends {} as the payload of an event without one', async () => {
      const ws = await TestWsClient.connect(app.baseUrl);
      try {
        const id = await insertWorkspace(db);
        await emitter().recordAndBroadcast('WORKSPACE_OFFLINE', id);
        expect((await ws.nextEvent('WORKSPACE_OFFLINE', id)).payload).toEqual({});
      } finally {
        await ws.close();
      }
    });

    it('refuses a browser page from a foreign origin, as CORS does on every route', async () => {
      expect(await TestWsClient.reject(app.baseUrl, { Origin: 'https://evil.example' })).toEqual({
        status: 403,
        body: 'Forbidden',
      });
      const canvas = await TestWsClient.connect(app.baseUrl, { Origin: 'http://localhost:3000' });
      await canvas.close();
    });

    it('answers a plain GET with 400 Bad Request', async () => {
      const res = await app.http.get('/ws');
      expect(res.status).toBe(400);
      expect(res.text).toBe('Bad Request');
    });

    it("checks an agent's credentials on a plain GET first, as the reference's handler does", async () => {
      const id = await insertWorkspace(db);
      const token = await insertToken(db, id);
      const plain = (headers: Record<string, string>) => app.http.get('/ws', { headers });
      const missing = await plain({ 'X-Workspace-ID': id });
      expect([missing.status, missing.body]).toEqual([
        401,
        { error: 'missing workspace auth token' },
      ]);
      expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
      const invalid = await plain({ 'X-Workspace-ID': id, Authorization: 'Bearer nope' });
      expect([invalid.status, invalid.body]).toEqual([
        401,
        { error: 'invalid workspace auth token' },
      ]);
      const malformed = await plain({ 'X-Workspace-ID': 'not-a-uuid' });
      expect([malformed.status, malformed.body]).toEqual([400, { error: 'invalid workspace ID' }]);
      // With valid credentials it is still not an upgrade.
      const valid = await plain({ 'X-Workspace-ID': id, Authorization: `Bearer ${token}` });
      expect([valid.status, valid.text]).toEqual([400, 'Bad Request']);
    });

    describe('agent clients (X-Workspace-ID)', () => {
      it('are admitted without a bearer while the workspace has no token', async () => {
        const id = await insertWorkspace(db);
        const ws = await TestWsClient.connect(app.baseUrl, { 'X-Workspace-ID': id });
        await ws.close();
      });

      it('need their bearer once the workspace has a live token', async () => {
        const id = await insertWorkspace(db);
        const token = await insertToken(db, id);
        expect(await TestWsClient.reject(app.baseUrl, { 'X-Workspace-ID': id })).toEqual({
          status: 401,
          body: JSON.stringify({ error: 'missing workspace auth token' }),
        });
        expect(
          await TestWsClient.reject(app.baseUrl, {
            'X-Workspace-ID': id,
            Authorization: 'Bearer nope',
          }),
        ).toEqual({ status: 401, body: JSON.stringify({ error: 'invalid workspace auth token' }) });
        const ws = await TestWsClient.connect(app.baseUrl, {
          'X-Workspace-ID': id,
          Authorization: `Bearer ${token}`,
        });
        await ws.close();
      });

      it('rejects a token of another workspace', async () => {
        const a = await insertWorkspace(db);
        const b = await insertWorkspace(db);
        await insertToken(db, a);
        const tokenB = await insertToken(db, b);
        const res = await TestWsClient.reject(app.baseUrl, {
          'X-Workspace-ID': a,
          Authorization: `Bearer ${tokenB}`,
        });
        expect(res.status).toBe(401);
      });

      it('rejects a workspace id that is not a UUID', async () => {
        const res = await TestWsClient.reject(app.baseUrl, { 'X-Workspace-ID': 'not-a-uuid' });
        expect(res).toEqual({
          status: 400,
          body: JSON.stringify({ error: 'invalid workspace ID' }),
        });
      });

      it('only receive events of workspaces the access policy allows', async () => {
        const me = await insertWorkspace(db);
        const peer = await insertWorkspace(db);
        const stranger = await insertWorkspace(db);
        const access = app.get(SubscriberAccess);
        access.use(
          async (workspaceId, ids) =>
            new Set(ids.filter((id) => id === workspaceId || workspaceId === peer)),
        );
        const ws = await TestWsClient.connect(app.baseUrl, { 'X-Workspace-ID': me });
        try {
          await emitter().recordAndBroadcast('WORKSPACE_ONLINE', stranger);
          await emitter().recordAndBroadcast('WORKSPACE_ONLINE', peer);
          await emitter().recordAndBroadcast('WORKSPACE_ONLINE', me);
          await ws.nextEvent('WORKSPACE_ONLINE', me);
          expect(ws.frames.map((f) => f.workspace_id)).toEqual([peer, me]);
        } finally {
          await ws.close();
        }
      });
    });
  });

  describe('GET /workspaces/:id/events/stream (SSE)', () => {
    it('streams a ping, then the workspace’s events as AG-UI frames, and nothing else', async () => {
      const id = await insertWorkspace(db);
      const other = await insertWorkspace(db);
      const sse = await TestSseClient.open(`${app.baseUrl}/workspaces/${id}/events/stream`, {
        Authorization: `Bearer ${await insertToken(db, id)}`,
      });
      try {
        expect(sse.response.status).toBe(200);
        expect(sse.response.headers.get('content-type')).toBe('text/event-stream');
        expect(sse.response.headers.get('cache-control')).toBe('no-cache');
        expect(sse.response.headers.get('x-accel-buffering')).toBe('no');
        emitter().broadcastOnly('TASK_UPDATED', other, { current_task: 'not mine' });
        emitter().broadcastOnly('TASK_UPDATED', id, { current_task: 'a', active_tasks: 1 });
        await emitter().recordAndBroadcast('WORKSPACE_DEGRADED', id, { error_rate: 0.6 });
        emitter().broadcastOnly('WORKSPACE_HEARTBEAT', id, { active_tasks: 1, uptime_seconds: 9 });
        await sse.next((f) => f.type === 'WORKSPACE_HEARTBEAT');
        expect(sse.raw.startsWith(': ping\n\n')).toBe(true);
        expect(sse.frames.map((f) => f.type)).toEqual([
          'TASK_UPDATED',
          'WORKSPACE_DEGRADED',
          'WORKSPACE_HEARTBEAT',
        ]);
        expect(sse.frames[0]).toEqual({
          type: 'TASK_UPDATED',
          timestamp: expect.any(Number),
          data: { current_task: 'a', active_tasks: 1 },
        });
        expect(sse.frames[0].timestamp).toBeGreaterThan(0);
      } finally {
        sse.close();
      }
    });

    it('answers 404 for an unknown workspace and 400 for a malformed id', async () => {
      const missing = await admin().get(
        '/workspaces/6f1c7e55-1111-4aaa-8bbb-000000000001/events/stream',
      );
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ error: 'workspace not found' });
      const malformed = await admin().get('/workspaces/nope/events/stream');
      expect(malformed.status).toBe(400);
      expect(malformed.body).toEqual({ error: 'invalid workspace ID' });
    });

    it('refuses a token of another workspace', async () => {
      const id = await insertWorkspace(db);
      const token = await insertToken(db, await insertWorkspace(db));
      const res = await app.http.withBearer(token).get(`/workspaces/${id}/events/stream`);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'invalid workspace auth token' });
    });

    it('open streams are ended when the app shuts down (shutdown is not held up)', async () => {
      const own = await startTestApp(db.url, { ADMIN_TOKEN: ADMIN });
      const id = await insertWorkspace(db);
      const sse = await TestSseClient.open(`${own.baseUrl}/workspaces/${id}/events/stream`, {
        Authorization: `Bearer ${ADMIN}`,
      });
      try {
        expect(sse.response.status).toBe(200);
        await own.close();
      } finally {
        sse.close();
      }
    });

    it('requires workspace auth', async () => {
      const id = await insertWorkspace(db);
      const res = await app.http.get(`/workspaces/${id}/events/stream`);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'missing workspace auth token' });
    });
  });

  describe('GET /events and /events/:workspaceId', () => {
    it('requires admin auth', async () => {
      const res = await app.http.get('/events');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'admin auth required' });
    });

    it('lists recorded events newest first, never broadcast-only ones', async () => {
      const id = await insertWorkspace(db);
      await emitter().recordAndBroadcast('WORKSPACE_PROVISIONING', id, {
        name: 'n',
        tier: 3,
        runtime: 'langgraph',
      });
      emitter().broadcastOnly('WORKSPACE_HEARTBEAT', id, {});
      await emitter().recordAndBroadcast('WORKSPACE_ONLINE', id, {});
      const res = await admin().get(`/events/${id}`);
      expect(res.status).toBe(200);
      expect(res.body.map((e: any) => e.event_type)).toEqual([
        'WORKSPACE_ONLINE',
        'WORKSPACE_PROVISIONING',
      ]);
      expect(Object.keys(res.body[1]).sort()).toEqual([
        'created_at',
        'event_type',
        'id',
        'payload',
        'workspace_id',
      ]);
      expect(res.body[1]).toMatchObject({
        workspace_id: id,
        payload: { name: 'n', tier: 3, runtime: 'langgraph' },
      });
      const all = await admin().get('/events');
      expect(all.status).toBe(200);
      expect(all.body.length).toBeGreaterThanOrEqual(2);
    });

    it('answers [] for a workspace without events and 400 for a malformed id', async () => {
      expect((await admin().get('/events/8b1c7e55-1111-4aaa-8bbb-000000000009')).body).toEqual([]);
      const bad = await admin().get('/events/not-a-uuid');
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ error: 'invalid workspace ID' });
    });
  });

  describe('in SaaS mode (MOLECULE_ORG_ID set)', () => {
    const ORG = '5e0c6a52-8f0e-4d8a-9d35-6c1e7e0f4a21';
    let tenant: TestApp;
    beforeAll(async () => {
      tenant = await startTestApp(db.url, { ADMIN_TOKEN: ADMIN, MOLECULE_ORG_ID: ORG });
    });
    afterAll(() => tenant.close());

    it('the WebSocket upgrade is tenant-guarded like every route', async () => {
      expect((await TestWsClient.reject(tenant.baseUrl)).status).toBe(404);
      const ws = await TestWsClient.connect(tenant.baseUrl, { 'X-Molecule-Org-Id': ORG });
      await ws.close();
    });
  });

  describe('across replicas', () => {
    let second: TestApp;
    beforeAll(async () => {
      second = await startTestApp(db.url, { ADMIN_TOKEN: ADMIN });
    });
    afterAll(async () => {
      await second.close();
    });

    it('a client of one instance receives events emitted by another, in order, once', async () => {
      const ws = await TestWsClient.connect(app.baseUrl);
      try {
        const id = await insertWorkspace(db);
        const other = second.get(EventEmitter);
        await other.recordAndBroadcast('WORKSPACE_ONLINE', id, { n: 1 });
        other.broadcastOnly('TASK_UPDATED', id, { n: 2 });
        other.broadcastOnly('WORKSPACE_HEARTBEAT', id, { n: 3 });
        await ws.nextEvent('WORKSPACE_HEARTBEAT', id);
        await second.get(PgEventRelay).drained();
        const mine = ws.frames.filter((f) => f.workspace_id === id);
        expect(mine.map((f) => f.payload.n)).toEqual([1, 2, 3]);
      } finally {
        await ws.close();
      }
    });

    it('a WebSocket client of one instance sees the event of an HTTP call made to the other', async () => {
      const ws = await TestWsClient.connect(app.baseUrl);
      try {
        const res = await second.http
          .withBearer(ADMIN)
          .post('/workspaces', { name: 'Made on B', tier: 2 });
        expect(res.status).toBe(201);
        const frame = await ws.nextEvent('WORKSPACE_PROVISIONING', res.body.id);
        expect(frame.payload).toEqual({ name: 'Made on B', tier: 2, runtime: 'langgraph' });
        // The history is shared too: A lists what B recorded.
        const history = await admin().get(`/events/${res.body.id}`);
        expect(history.body.map((e: any) => e.event_type)).toContain('WORKSPACE_PROVISIONING');
      } finally {
        await ws.close();
      }
    });

    it('envelopes larger than a NOTIFY payload travel by reference', async () => {
      const ws = await TestWsClient.connect(app.baseUrl);
      try {
        const id = await insertWorkspace(db);
        const big = 'x'.repeat(20_000);
        second
          .get(EventEmitter)
          .broadcastOnly('ACTIVITY_LOGGED', id, { response_body: { text: big } });
        const frame = await ws.nextEvent('ACTIVITY_LOGGED', id);
        expect(frame.payload.response_body.text).toBe(big);
      } finally {
        await ws.close();
      }
    });
  });
});
