import { randomUUID } from 'node:crypto';
import { insertToken, insertWorkspace } from './support/factories';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';

const ADMIN = 'delegation-admin';
const ENV = { MOLECULE_ENV: 'development', ADMIN_TOKEN: ADMIN };
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe('agent-reported delegations and the listing', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, ENV);
  let ws: TestWsClient;
  beforeEach(async () => {
    ws = await TestWsClient.connect(app.baseUrl);
  });
  afterEach(() => ws.close());

  const admin = () => app.http.withBearer(ADMIN);
  const rowsOf = (source: string) =>
    db.query<any>(
      `SELECT method, source_id, target_id, summary, status, error_detail, request_body,
              response_body
         FROM activity_logs WHERE workspace_id = $1 ORDER BY created_at, method`,
      [source],
    );
  const record = (source: string, body: unknown) =>
    admin().post(`/workspaces/${source}/delegations/record`, body);
  const update = (source: string, id: string, body: unknown) =>
    admin().post(`/workspaces/${source}/delegations/${id}/update`, body);
  const list = (source: string) => admin().get(`/workspaces/${source}/delegations`);

  describe('POST /workspaces/:id/delegations/record', () => {
    it('records a dispatched delegation and announces it; repeats add rows', async () => {
      const source = await insertWorkspace(db);
      const target = randomUUID();
      const body = { target_id: target, task: 'ping the peer', delegation_id: 'agent-d-1' };
      const res = await record(source, body);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ delegation_id: 'agent-d-1', status: 'recorded' });
      const sent = await ws.nextEvent('DELEGATION_SENT', source);
      expect(sent.payload).toEqual({
        delegation_id: 'agent-d-1',
        target_id: target,
        task_preview: 'ping the peer',
      });

      expect((await record(source, body)).status).toBe(202);
      const rows = await rowsOf(source);
      expect(rows).toHaveLength(2);
      expect(rows[0]).toEqual({
        method: 'delegate',
        source_id: source,
        target_id: target,
        summary: `Delegating to ${target}`,
        status: 'dispatched',
        error_detail: null,
        request_body: { task: 'ping the peer', delegation_id: 'agent-d-1' },
        response_body: null,
      });
    });

    it.each([
      [{ target_id: randomUUID(), task: 'x' }],
      [{ target_id: randomUUID(), task: 'x', delegation_id: '' }],
      [{ task: 'x', delegation_id: 'd' }],
      ['nope'],
    ])('400 invalid request body: %p', async (body) => {
      const res = await record(await insertWorkspace(db), body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid request body' });
    });

    it('400 when target_id is not a UUID', async () => {
      const res = await record(await insertWorkspace(db), {
        target_id: 'peer',
        task: 'x',
        delegation_id: 'd',
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'target_id must be a valid UUID' });
    });

    it('404 workspace not found when the source has no row (not a failed insert)', async () => {
      const res = await record(randomUUID(), {
        target_id: randomUUID(),
        task: 'x',
        delegation_id: 'd',
      });
      expect([res.status, res.body]).toEqual([404, { error: 'workspace not found' }]);
    });

    it('500 when the row cannot be written', async () => {
      const source = await insertWorkspace(db);
      // A constraint that refuses this one row (NOT VALID: existing rows are not checked).
      await db.query(
        `ALTER TABLE activity_logs ADD CONSTRAINT refuse_for_test CHECK (request_body::text NOT LIKE '%refused%') NOT VALID`,
      );
      try {
        const res = await record(source, {
          target_id: await insertWorkspace(db),
          task: 'refused',
          delegation_id: 'd',
        });
        expect([res.status, res.body]).toEqual([500, { error: 'failed to record delegation' }]);
      } finally {
        await db.query('ALTER TABLE activity_logs DROP CONSTRAINT refuse_for_test');
      }
    });
  });

  describe('POST /workspaces/:id/delegations/:delegation_id/update', () => {
    it('completed: settles the delegate row, adds a result row with its target, and announces it', async () => {
      const source = await insertWorkspace(db);
      const target = randomUUID();
      await record(source, { target_id: target, task: 'x', delegation_id: 'agent-d-2' });
      const preview = 'a'.repeat(250);
      const res = await update(source, 'agent-d-2', {
        status: 'completed',
        response_preview: preview,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'completed', delegation_id: 'agent-d-2' });

      const event = await ws.nextEvent('DELEGATION_COMPLETE', source);
      expect(event.payload).toEqual({
        delegation_id: 'agent-d-2',
        target_id: target,
        response_preview: 'a'.repeat(200) + '...',
      });
      const rows = await rowsOf(source);
      expect(rows.map((r) => [r.method, r.status])).toEqual([
        ['delegate', 'completed'],
        ['delegate_result', 'completed'],
      ]);
      expect(rows[1]).toEqual({
        method: 'delegate_result',
        source_id: source,
        target_id: target,
        summary: `Delegation completed (${'a'.repeat(80)}...)`,
        status: 'completed',
        error_detail: null,
        request_body: null,
        response_body: { text: preview, delegation_id: 'agent-d-2' },
      });
    });

    it('failed: settles the delegate row with the error and announces it, no result row', async () => {
      const source = await insertWorkspace(db);
      const target = randomUUID();
      await record(source, { target_id: target, task: 'x', delegation_id: 'agent-d-3' });
      const res = await update(source, 'agent-d-3', { status: 'failed', error: 'peer timed out' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'failed', delegation_id: 'agent-d-3' });
      const event = await ws.nextEvent('DELEGATION_FAILED', source);
      expect(event.payload).toEqual({
        delegation_id: 'agent-d-3',
        target_id: target,
        error: 'peer timed out',
      });
      expect((await rowsOf(source)).map((r) => [r.method, r.status, r.error_detail])).toEqual([
        ['delegate', 'failed', 'peer timed out'],
      ]);
    });

    it('an unknown delegation is not an error; its events carry no target', async () => {
      const source = await insertWorkspace(db);
      const done = await update(source, 'never-seen', { status: 'completed' });
      expect(done.status).toBe(200);
      expect((await ws.nextEvent('DELEGATION_COMPLETE', source)).payload).toEqual({
        delegation_id: 'never-seen',
        response_preview: '',
      });
      const failed = await update(source, 'never-seen-2', { status: 'failed' });
      expect(failed.body).toEqual({ status: 'failed', delegation_id: 'never-seen-2' });
      expect((await ws.nextEvent('DELEGATION_FAILED', source)).payload).toEqual({
        delegation_id: 'never-seen-2',
        error: '',
      });
      const rows = await rowsOf(source);
      expect(rows.map((r) => [r.method, r.target_id, r.summary])).toEqual([
        ['delegate_result', null, 'Delegation completed ()'],
      ]);
    });

    it('an empty error keeps the earlier error_detail', async () => {
      const source = await insertWorkspace(db);
      await record(source, { target_id: randomUUID(), task: 'x', delegation_id: 'agent-d-4' });
      await update(source, 'agent-d-4', { status: 'failed', error: 'first' });
      await update(source, 'agent-d-4', { status: 'failed', error: '' });
      expect((await rowsOf(source))[0]).toMatchObject({ status: 'failed', error_detail: 'first' });
    });

    it.each(['queued', 'in_progress', 'done'])('400 for status %p', async (status) => {
      const res = await update(await insertWorkspace(db), 'd', { status });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: "status must be 'completed' or 'failed'" });
    });

    it.each([[{}], [{ status: '' }], [{ status: 'failed', error: 3 }], ['[]']])(
      '400 invalid request body: %p',
      async (body) => {
        const res = await update(await insertWorkspace(db), 'd', body);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: 'invalid request body' });
      },
    );
  });

  describe('GET /workspaces/:id/delegations', () => {
    /** An activity row written straight into the table, `secondsAgo` old. */
    const insertRow = (
      workspaceId: string,
      fields: Record<string, unknown>,
      secondsAgo: number,
    ) => {
      const row: Record<string, unknown> = {
        workspace_id: workspaceId,
        activity_type: 'delegation',
        created_at: new Date(Date.now() - secondsAgo * 1000),
        ...fields,
      };
      const columns = Object.keys(row);
      const values = Object.values(row).map((v) =>
        typeof v === 'object' && v !== null && !(v instanceof Date) ? JSON.stringify(v) : v,
      );
      return db.query(
        `INSERT INTO activity_logs (${columns.join(', ')})
         VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        values,
      );
    };

    it('[] when there is nothing', async () => {
      const res = await list(await insertWorkspace(db));
      expect(res.status).toBe(200);
      expect(res.text).toBe('[]');
    });

    it('lists delegation rows newest first, with optional fields only when set', async () => {
      const source = await insertWorkspace(db);
      const target = randomUUID();
      await insertRow(
        source,
        {
          method: 'delegate',
          source_id: source,
          target_id: target,
          summary: `Delegating to ${target}`,
          status: 'completed',
          request_body: { task: 't', delegation_id: 'd-1' },
        },
        30,
      );
      await insertRow(
        source,
        {
          method: 'delegate_result',
          source_id: source,
          target_id: target,
          summary: 'Delegation completed (ok)',
          status: 'completed',
          response_body: { text: 'é'.repeat(200), delegation_id: 'd-1' },
        },
        20,
      );
      await insertRow(
        source,
        {
          method: 'delegate_result',
          source_id: source,
          target_id: target,
          summary: 'Delegation failed',
          status: 'failed',
          error_detail: 'nope',
          response_body: { delegation_id: 'd-2' },
        },
        10,
      );
      // Not delegation rows: never listed.
      await insertRow(source, { activity_type: 'a2a_receive', method: 'message/send' }, 5);
      // A row without any of the optional fields, and NULL text columns.
      await insertRow(source, { method: 'delegate' }, 1);

      const res = await list(source);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        {
          id: expect.any(String),
          type: 'delegation',
          source_id: '',
          target_id: '',
          summary: '',
          status: 'ok',
          created_at: expect.stringMatching(ISO),
        },
        {
          id: expect.any(String),
          type: 'delegation',
          source_id: source,
          target_id: target,
          summary: 'Delegation failed',
          status: 'failed',
          created_at: expect.stringMatching(ISO),
          delegation_id: 'd-2',
          error: 'nope',
        },
        {
          id: expect.any(String),
          type: 'delegation',
          source_id: source,
          target_id: target,
          summary: 'Delegation completed (ok)',
          status: 'completed',
          created_at: expect.stringMatching(ISO),
          delegation_id: 'd-1',
          response_preview: 'é'.repeat(150) + '...',
        },
        {
          id: expect.any(String),
          type: 'delegation',
          source_id: source,
          target_id: target,
          summary: `Delegating to ${target}`,
          status: 'completed',
          created_at: expect.stringMatching(ISO),
          delegation_id: 'd-1',
        },
      ]);
    });

    it('answers the 50 newest rows only', async () => {
      const source = await insertWorkspace(db);
      for (let i = 0; i < 55; i++) {
        await insertRow(
          source,
          { method: 'delegate', request_body: { task: 't', delegation_id: `d-${i}` } },
          100 - i,
        );
      }
      const res = await list(source);
      expect(res.body).toHaveLength(50);
      expect(res.body[0].delegation_id).toBe('d-54');
      expect(res.body[49].delegation_id).toBe('d-5');
    });

    it("never shows another workspace's delegations", async () => {
      const source = await insertWorkspace(db);
      await record(source, { target_id: randomUUID(), task: 'x', delegation_id: 'mine' });
      expect((await list(await insertWorkspace(db))).body).toEqual([]);
    });
  });

  describe('auth', () => {
    it.each([
      ['POST', 'delegations/record'],
      ['POST', 'delegations/d-1/update'],
      ['GET', 'delegations'],
      ['POST', 'delegate'],
    ])('%s %s: 401 without a bearer', async (method, path) => {
      const source = await insertWorkspace(db);
      const res = await app.http.request(method, `/workspaces/${source}/${path}`, {
        body: method === 'POST' ? { status: 'completed' } : undefined,
      });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'missing workspace auth token' });
    });

    it("a workspace token only opens its own workspace's delegations", async () => {
      const source = await insertWorkspace(db);
      const other = await insertWorkspace(db);
      const token = await insertToken(db, source);
      const own = await app.http.withBearer(token).get(`/workspaces/${source}/delegations`);
      expect(own.status).toBe(200);
      const foreign = await app.http.withBearer(token).get(`/workspaces/${other}/delegations`);
      expect(foreign.status).toBe(401);
      expect(foreign.body).toEqual({ error: 'invalid workspace auth token' });
    });
  });
});
