import { SchedulerRegistry } from '@nestjs/schedule';
import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock/clock';
import { ApprovalsService, APPROVAL_TTL_MS } from '../src/memories/approvals/approvals.service';
import { FakeClock } from './support/fake-clock';
import { insertOrgToken, insertToken, insertWorkspace } from './support/factories';
import { HttpClient } from './support/http-client';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';

const ADMIN_TOKEN = 'approvals-admin';

async function eventsOf(db: TestDatabase, workspaceId: string) {
  return db.query<{ event_type: string; payload: any }>(
    `SELECT event_type, payload FROM structure_events WHERE workspace_id = $1 ORDER BY created_at, id`,
    [workspaceId],
  );
}

async function statusOf(db: TestDatabase, approvalId: string) {
  const [row] = await db.query<any>(
    'SELECT status, decided_by, decided_at FROM approval_requests WHERE id = $1',
    [approvalId],
  );
  return row;
}

describe('approvals', () => {
  const db = useTestDatabase();
  // The clock only moves when a test says so: expiry never depends on real time passing.
  const clock = new FakeClock();
  const app = useTestApp(db, { ADMIN_TOKEN }, [{ provide: Clock, useValue: clock }]);
  let admin: HttpClient;

  beforeAll(() => {
    admin = app.http.withBearer(ADMIN_TOKEN);
  });

  async function workspace(seed: { parent_id?: string; name?: string } = {}) {
    const id = await insertWorkspace(db, seed);
    return { id, http: app.http.withBearer(await insertToken(db, id)) };
  }

  describe('POST /workspaces/:id/approvals', () => {
    it('201 {approval_id, status: pending}; row with "" for omitted strings and {} context', async () => {
      const ws = await workspace();
      const res = await ws.http.post(`/workspaces/${ws.id}/approvals`, {
        action: 'delete production database',
      });
      expect([res.status, res.body]).toEqual([
        201,
        { approval_id: expect.any(String), status: 'pending' },
      ]);
      const [row] = await db.query<any>('SELECT * FROM approval_requests WHERE id = $1', [
        res.body.approval_id,
      ]);
      expect(row).toMatchObject({
        workspace_id: ws.id,
        action: 'delete production database',
        reason: '',
        task_id: '',
        context: {},
        status: 'pending',
        decided_by: null,
        decided_at: null,
      });
      expect(await eventsOf(db, ws.id)).toEqual([
        {
          event_type: 'APPROVAL_REQUESTED',
          payload: {
            approval_id: res.body.approval_id,
            action: 'delete production database',
            reason: '',
            task_id: '',
          },
        },
      ]);
    });

    it('escalates to the parent with APPROVAL_ESCALATED (the row stays pending)', async () => {
      const parent = await workspace();
      const child = await workspace({ parent_id: parent.id });
      const socket = await TestWsClient.connect(app.baseUrl);
      try {
        const res = await child.http.post(`/workspaces/${child.id}/approvals`, {
          action: 'spend $500',
          reason: 'GPU hours',
          task_id: 'task-9',
          context: { estimate: 500 },
        });
        expect(res.status).toBe(201);
        const id = res.body.approval_id;
        const requested = await socket.nextEvent('APPROVAL_REQUESTED', child.id);
        expect(requested.payload).toEqual({
          approval_id: id,
          action: 'spend $500',
          reason: 'GPU hours',
          task_id: 'task-9',
        });
        const escalated = await socket.nextEvent('APPROVAL_ESCALATED', parent.id);
        expect(escalated.payload).toEqual({
          approval_id: id,
          from_workspace_id: child.id,
          action: 'spend $500',
          reason: 'GPU hours',
        });
        expect((await statusOf(db, id)).status).toBe('pending');
        const [row] = await db.query<any>('SELECT context FROM approval_requests WHERE id = $1', [
          id,
        ]);
        expect(row.context).toEqual({ estimate: 500 });
      } finally {
        await socket.close();
      }
    });

    it.each([
      ['{}'],
      ['{"action":""}'],
      ['{"action":7}'],
      ['{"action":"x","reason":5}'],
      ['{"action":"x","context":[1]}'],
      ['{"action":"x","context":"text"}'],
      ['{"action":"x","context":{"k":"\\u0000"}}'],
      ['[1]'],
      ['{not json'],
      [''],
    ])('400 invalid request body for %s, nothing written', async (body) => {
      const ws = await workspace();
      const res = await ws.http.post(`/workspaces/${ws.id}/approvals`, body, {
        headers: { 'Content-Type': 'application/json' },
      });
      expect([res.status, res.body]).toEqual([400, { error: 'invalid request body' }]);
      expect(
        await db.query('SELECT 1 FROM approval_requests WHERE workspace_id = $1', [ws.id]),
      ).toEqual([]);
    });

    it('404 for unknown and removed workspaces; 400 for a malformed id; 401 without a bearer', async () => {
      const removed = await insertWorkspace(db, { status: 'removed' });
      for (const id of [randomUUID(), removed]) {
        const res = await admin.post(`/workspaces/${id}/approvals`, { action: 'x' });
        expect([res.status, res.body]).toEqual([404, { error: 'workspace not found' }]);
      }
      const bad = await admin.post('/workspaces/nope/approvals', { action: 'x' });
      expect([bad.status, bad.body]).toEqual([400, { error: 'invalid workspace ID' }]);
      // The runtime's approval tool sends no bearer; auth is not loosened for it.
      const ws = await workspace();
      const none = await app.http.post(`/workspaces/${ws.id}/approvals`, { action: 'x' });
      expect([none.status, none.body]).toEqual([401, { error: 'missing workspace auth token' }]);
    });
  });

  describe('GET /workspaces/:id/approvals', () => {
    it('this workspace’s requests, newest first, every status, in the wire shape', async () => {
      const ws = await workspace();
      const other = await workspace();
      const first = (await ws.http.post(`/workspaces/${ws.id}/approvals`, { action: 'a' })).body;
      clock.advance(1000);
      const second = (
        await ws.http.post(`/workspaces/${ws.id}/approvals`, {
          action: 'b',
          reason: 'r',
          task_id: 't',
        })
      ).body;
      await other.http.post(`/workspaces/${other.id}/approvals`, { action: 'not mine' });
      await admin.post(`/workspaces/${ws.id}/approvals/${first.approval_id}/decide`, {
        decision: 'approved',
        decided_by: 'alice',
      });

      const res = await ws.http.get(`/workspaces/${ws.id}/approvals`);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(2);
      const [newest, oldest] = res.body;
      expect(newest).toEqual({
        id: second.approval_id,
        task_id: 't',
        action: 'b',
        reason: 'r',
        status: 'pending',
        decided_by: null,
        decided_at: null,
        created_at: expect.any(String),
      });
      expect(oldest).toMatchObject({
        id: first.approval_id,
        status: 'approved',
        decided_by: 'alice',
        decided_at: expect.any(String),
      });
    });

    it('[] for a workspace without requests; 400 malformed id; 401 without a bearer', async () => {
      expect((await admin.get(`/workspaces/${randomUUID()}/approvals`)).body).toEqual([]);
      const bad = await admin.get('/workspaces/x/approvals');
      expect([bad.status, bad.body]).toEqual([400, { error: 'invalid workspace ID' }]);
      const ws = await workspace();
      const none = await app.http.get(`/workspaces/${ws.id}/approvals`);
      expect(none.status).toBe(401);
    });
  });

  describe('GET /approvals/pending', () => {
    it('pending requests of all workspaces with the workspace name, newest first', async () => {
      const a = await workspace({ name: 'Alpha' });
      const b = await workspace({ name: 'Beta' });
      const older = (await a.http.post(`/workspaces/${a.id}/approvals`, { action: 'older' })).body;
      clock.advance(1000);
      const newer = (
        await b.http.post(`/workspaces/${b.id}/approvals`, { action: 'newer', reason: 'why' })
      ).body;
      const decided = (await b.http.post(`/workspaces/${b.id}/approvals`, { action: 'done' })).body;
      await admin.post(`/workspaces/${b.id}/approvals/${decided.approval_id}/decide`, {
        decision: 'denied',
      });

      const res = await admin.get('/approvals/pending');
      expect(res.status).toBe(200);
      const mine = res.body.filter((p: any) => [a.id, b.id].includes(p.workspace_id));
      expect(mine).toEqual([
        {
          id: newer.approval_id,
          workspace_id: b.id,
          workspace_name: 'Beta',
          action: 'newer',
          reason: 'why',
          status: 'pending',
          created_at: expect.any(String),
        },
        expect.objectContaining({ id: older.approval_id, workspace_name: 'Alpha' }),
      ]);
    });

    it('is AdminAuth: a workspace token is refused once ADMIN_TOKEN is set', async () => {
      const ws = await workspace();
      const res = await ws.http.get('/approvals/pending');
      expect([res.status, res.body]).toEqual([401, { error: 'invalid admin auth token' }]);
      const none = await app.http.get('/approvals/pending');
      expect([none.status, none.body]).toEqual([401, { error: 'admin auth required' }]);
      const org = app.http.withBearer(await insertOrgToken(db));
      expect((await org.get('/approvals/pending')).status).toBe(200);
    });
  });

  describe('POST /workspaces/:id/approvals/:approvalId/decide', () => {
    async function pendingRequest() {
      const ws = await workspace();
      const res = await ws.http.post(`/workspaces/${ws.id}/approvals`, { action: 'deploy' });
      return { ws, approvalId: res.body.approval_id as string };
    }

    it('the canvas (an operator) approves: 200, row decided, APPROVAL_APPROVED', async () => {
      const { ws, approvalId } = await pendingRequest();
      const res = await admin.post(`/workspaces/${ws.id}/approvals/${approvalId}/decide`, {
        decision: 'approved',
        decided_by: 'human',
      });
      expect([res.status, res.body]).toEqual([
        200,
        { status: 'approved', approval_id: approvalId },
      ]);
      expect(await statusOf(db, approvalId)).toMatchObject({
        status: 'approved',
        decided_by: 'human',
        decided_at: expect.any(Date),
      });
      const events = await eventsOf(db, ws.id);
      expect(events.at(-1)).toEqual({
        event_type: 'APPROVAL_APPROVED',
        payload: { approval_id: approvalId, decision: 'approved', decided_by: 'human' },
      });
    });

    it('denied by a named supervisor; an empty decided_by means human', async () => {
      const first = await pendingRequest();
      const res = await admin.post(
        `/workspaces/${first.ws.id}/approvals/${first.approvalId}/decide`,
        { decision: 'denied', decided_by: 'supervisor' },
      );
      expect(res.body).toEqual({ status: 'denied', approval_id: first.approvalId });
      expect((await eventsOf(db, first.ws.id)).at(-1)).toEqual({
        event_type: 'APPROVAL_DENIED',
        payload: { approval_id: first.approvalId, decision: 'denied', decided_by: 'supervisor' },
      });
      const second = await pendingRequest();
      const org = app.http.withBearer(await insertOrgToken(db));
      await org.post(`/workspaces/${second.ws.id}/approvals/${second.approvalId}/decide`, {
        decision: 'approved',
        decided_by: '',
      });
      expect((await statusOf(db, second.approvalId)).decided_by).toBe('human');
    });

    it('the requesting workspace can never decide its own request: 403, still pending', async () => {
      const { ws, approvalId } = await pendingRequest();
      const before = (await eventsOf(db, ws.id)).length;
      const res = await ws.http.post(`/workspaces/${ws.id}/approvals/${approvalId}/decide`, {
        decision: 'approved',
      });
      expect([res.status, res.body]).toEqual([
        403,
        { error: 'approvals must be decided by an operator' },
      ]);
      expect((await statusOf(db, approvalId)).status).toBe('pending');
      expect(await eventsOf(db, ws.id)).toHaveLength(before);
      // Another workspace's token does not even pass WorkspaceAuth here.
      const other = await workspace();
      const foreign = await other.http.post(`/workspaces/${ws.id}/approvals/${approvalId}/decide`, {
        decision: 'approved',
      });
      expect([foreign.status, foreign.body]).toEqual([
        401,
        { error: 'invalid workspace auth token' },
      ]);
    });

    it.each([
      ['{}', 'invalid request body'],
      ['{"decision":""}', 'invalid request body'],
      ['{"decision":true}', 'invalid request body'],
      ['{"decision":"approved","decided_by":5}', 'invalid request body'],
      ['{"decision":"approved","decided_by":"a\\u0000"}', 'invalid request body'],
      ['{not json', 'invalid request body'],
      ['{"decision":"maybe"}', "decision must be 'approved' or 'denied'"],
      ['{"decision":"Approved"}', "decision must be 'approved' or 'denied'"],
    ])('400 for %s, nothing decided', async (body, error) => {
      const { ws, approvalId } = await pendingRequest();
      const res = await admin.post(`/workspaces/${ws.id}/approvals/${approvalId}/decide`, body, {
        headers: { 'Content-Type': 'application/json' },
      });
      expect([res.status, res.body]).toEqual([400, { error }]);
      expect((await statusOf(db, approvalId)).status).toBe('pending');
    });

    it('404 once decided, for another workspace’s request, and for malformed or unknown ids', async () => {
      const { ws, approvalId } = await pendingRequest();
      const other = await workspace();
      const decide = (workspaceId: string, id: string) =>
        admin.post(`/workspaces/${workspaceId}/approvals/${id}/decide`, { decision: 'approved' });
      const notFound = [404, { error: 'approval not found or already decided' }];

      const wrongWorkspace = await decide(other.id, approvalId);
      expect([wrongWorkspace.status, wrongWorkspace.body]).toEqual(notFound);
      for (const id of ['not-a-uuid', randomUUID()]) {
        const res = await decide(ws.id, id);
        expect([res.status, res.body]).toEqual(notFound);
      }
      expect((await decide(ws.id, approvalId)).status).toBe(200);
      const twice = await decide(ws.id, approvalId);
      expect([twice.status, twice.body]).toEqual(notFound);
      const bad = await decide('nope', approvalId);
      expect([bad.status, bad.body]).toEqual([400, { error: 'invalid workspace ID' }]);
    });
  });

  describe('expiry', () => {
    it('runs as a background loop', () => {
      expect(app.get(SchedulerRegistry).getInterval('approval-expiry')).toBeDefined();
    });

    it('10 minutes after creation a pending request is denied by auto-expired, with APPROVAL_DENIED', async () => {
      const ws = await workspace();
      const socket = await TestWsClient.connect(app.baseUrl);
      try {
        const res = await ws.http.post(`/workspaces/${ws.id}/approvals`, { action: 'wait' });
        const id = res.body.approval_id;
        const expiry = app.get(ApprovalsService);

        clock.advance(APPROVAL_TTL_MS - 60_000);
        expect(await expiry.expireDue()).toBe(0);
        expect((await statusOf(db, id)).status).toBe('pending');

        clock.advance(60_000 + 1000);
        // (The real-time loop may get there first; either way the pass below finds it done.)
        await expiry.expireDue();
        expect(await statusOf(db, id)).toMatchObject({
          status: 'denied',
          decided_by: 'auto-expired',
          decided_at: expect.any(Date),
        });
        const denied = await socket.next(
          (f) => f.event === 'APPROVAL_DENIED' && f.payload.approval_id === id,
        );
        expect(denied).toMatchObject({
          workspace_id: ws.id,
          payload: { approval_id: id, decision: 'denied', decided_by: 'auto-expired' },
        });
        expect(
          (await eventsOf(db, ws.id)).filter((e) => e.event_type === 'APPROVAL_DENIED'),
        ).toHaveLength(1);

        // Already expired: a second pass announces nothing again.
        await expiry.expireDue();
        expect(
          (await eventsOf(db, ws.id)).filter((e) => e.event_type === 'APPROVAL_DENIED'),
        ).toHaveLength(1);
      } finally {
        await socket.close();
      }
    });

    it('reads never show an expired request as pending, and it can no longer be decided', async () => {
      const ws = await workspace();
      const id = (await ws.http.post(`/workspaces/${ws.id}/approvals`, { action: 'late' })).body
        .approval_id;
      clock.advance(APPROVAL_TTL_MS + 1000);

      const decide = await admin.post(`/workspaces/${ws.id}/approvals/${id}/decide`, {
        decision: 'approved',
      });
      expect([decide.status, decide.body]).toEqual([
        404,
        { error: 'approval not found or already decided' },
      ]);
      const list = await ws.http.get(`/workspaces/${ws.id}/approvals`);
      expect(list.body[0]).toMatchObject({ id, status: 'denied', decided_by: 'auto-expired' });
      const pending = await admin.get('/approvals/pending');
      expect(pending.body.map((p: any) => p.id)).not.toContain(id);
      expect(
        (await eventsOf(db, ws.id)).filter((e) => e.event_type === 'APPROVAL_DENIED'),
      ).toHaveLength(1);
    });
  });
});
