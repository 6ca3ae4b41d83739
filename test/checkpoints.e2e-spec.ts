import { randomUUID } from 'node:crypto';
import { insertToken, insertWorkspace } from './support/factories';
import { HttpClient } from './support/http-client';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'checkpoints-admin';
const ENTRY_KEYS = [
  'completed_at',
  'id',
  'payload',
  'step_index',
  'step_name',
  'workflow_id',
  'workspace_id',
];

describe('workflow checkpoints', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, { ADMIN_TOKEN });
  let ws: string;
  let own: HttpClient;
  const path = (suffix = '') => `/workspaces/${ws}/checkpoints${suffix}`;

  beforeEach(async () => {
    ws = await insertWorkspace(db);
    own = app.http.withBearer(await insertToken(db, ws));
  });

  const save = (body: Record<string, unknown>) => own.post(path(), body);

  describe('POST /workspaces/:id/checkpoints', () => {
    it('201 {id, workspace_id, workflow_id, step_name}; an omitted payload is JSON null', async () => {
      const res = await save({ workflow_id: 'task-1', step_name: 'task_receive' });
      expect([res.status, res.body]).toEqual([
        201,
        {
          id: expect.any(String),
          workspace_id: ws,
          workflow_id: 'task-1',
          step_name: 'task_receive',
        },
      ]);
      const [row] = await db.query<any>(
        'SELECT step_index, payload, payload IS NULL AS sql_null FROM workflow_checkpoints WHERE id = $1',
        [res.body.id],
      );
      expect(row).toEqual({ step_index: 0, payload: null, sql_null: false });
    });

    it('a repeat of a step replaces index and payload, keeps the id, and is 201 again', async () => {
      const first = await save({
        workflow_id: 'task-2',
        step_name: 'llm_call',
        step_index: 1,
        payload: { success: false },
      });
      const second = await save({
        workflow_id: 'task-2',
        step_name: 'llm_call',
        step_index: 2,
        payload: { result: 'ok', nested: [1, { deep: true }] },
      });
      expect(second.status).toBe(201);
      expect(second.body.id).toBe(first.body.id);
      const rows = await db.query<any>(
        'SELECT step_index, payload FROM workflow_checkpoints WHERE workflow_id = $1',
        ['task-2'],
      );
      expect(rows).toEqual([
        { step_index: 2, payload: { result: 'ok', nested: [1, { deep: true }] } },
      ]);
    });

    it('accepts negative indexes and any JSON payload', async () => {
      for (const payload of ['text', 42, [1, 2], true, null]) {
        const res = await save({
          workflow_id: 'w',
          step_name: `s-${String(payload)}`,
          step_index: -3,
          payload,
        });
        expect(res.status).toBe(201);
      }
      const res = await own.get(path('/w'));
      expect(res.body.map((e: any) => e.payload).sort()).toEqual(
        ['text', 42, [1, 2], true, null].sort(),
      );
    });

    it.each(
      [
        ['{}', 'invalid request body'],
        ['{"workflow_id":"w"}', 'invalid request body'],
        ['{"workflow_id":"","step_name":"s"}', 'invalid request body'],
        ['{"workflow_id":"w","step_name":7}', 'invalid request body'],
        ['{"workflow_id":"w","step_name":"s","step_index":"1"}', 'invalid request body'],
        ['{"workflow_id":"w","step_name":"s","step_index":1.5}', 'invalid request body'],
        ['{"workflow_id":"w","step_name":"s","step_index":2147483648}', 'invalid request body'],
        ['{"workflow_id":"w","step_name":"s","payload":{"a":"\\u0000"}}', 'invalid request body'],
        ['{"workflow_id":"w\\u0000","step_name":"s"}', 'invalid request body'],
        ['[1]', 'invalid request body'],
        ['{not json', 'invalid request body'],
        [
          `{"workflow_id":"${'w'.repeat(1025)}","step_name":"s"}`,
          'workflow_id and step_name must be at most 1024 bytes',
        ],
        [
          `{"workflow_id":"w","step_name":"${'é'.repeat(513)}"}`,
          'workflow_id and step_name must be at most 1024 bytes',
        ],
      ].map(([body, error]) => [
        body.length > 80 ? `${body.slice(0, 50)}… (${body.length} bytes)` : body,
        body,
        error,
      ]),
    )('400 for %s, nothing written', async (_label, body, error) => {
      const res = await own.post(path(), body, { headers: { 'Content-Type': 'application/json' } });
      expect([res.status, res.body]).toEqual([400, { error }]);
      expect(
        await db.query('SELECT 1 FROM workflow_checkpoints WHERE workspace_id = $1', [ws]),
      ).toEqual([]);
    });

    it('accepts 1024-byte keys', async () => {
      const res = await save({ workflow_id: 'w'.repeat(1024), step_name: 'é'.repeat(512) });
      expect(res.status).toBe(201);
    });

    it('404 for unknown and removed workspaces; 400 malformed id; 401 without a bearer', async () => {
      const admin = app.http.withBearer(ADMIN_TOKEN);
      const removed = await insertWorkspace(db, { status: 'removed' });
      for (const id of [randomUUID(), removed]) {
        const res = await admin.post(`/workspaces/${id}/checkpoints`, {
          workflow_id: 'w',
          step_name: 's',
        });
        expect([res.status, res.body]).toEqual([404, { error: 'workspace not found' }]);
      }
      const bad = await admin.post('/workspaces/x/checkpoints', {
        workflow_id: 'w',
        step_name: 's',
      });
      expect([bad.status, bad.body]).toEqual([400, { error: 'invalid workspace ID' }]);
      const none = await app.http.post(path(), { workflow_id: 'w', step_name: 's' });
      expect([none.status, none.body]).toEqual([401, { error: 'missing workspace auth token' }]);
    });
  });

  describe('GET /workspaces/:id/checkpoints/latest', () => {
    it('the most recently completed step across workflows, in the entry shape', async () => {
      await save({ workflow_id: 'old', step_name: 'task_receive', payload: { task_id: 'old' } });
      await db.query(
        `UPDATE workflow_checkpoints SET completed_at = now() - interval '1 hour' WHERE workflow_id = 'old'`,
      );
      await save({ workflow_id: 'new', step_name: 'task_receive', payload: { task_id: 'new' } });
      const res = await own.get(path('/latest'));
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(ENTRY_KEYS);
      expect(res.body).toMatchObject({
        workspace_id: ws,
        workflow_id: 'new',
        step_name: 'task_receive',
        step_index: 0,
        payload: { task_id: 'new' },
      });
    });

    it('ties on completed_at go to the higher step, deterministically', async () => {
      await save({ workflow_id: 't', step_name: 'task_receive', step_index: 0 });
      await save({ workflow_id: 't', step_name: 'llm_call', step_index: 1 });
      await db.query(
        `UPDATE workflow_checkpoints SET completed_at = '2026-01-01T00:00:00Z' WHERE workspace_id = $1`,
        [ws],
      );
      for (let i = 0; i < 3; i++)
        expect((await own.get(path('/latest'))).body.step_name).toBe('llm_call');
    });

    it('404 when the workspace has none; 400 malformed id; 401 without a bearer', async () => {
      const res = await own.get(path('/latest'));
      expect([res.status, res.body]).toEqual([
        404,
        { error: 'no checkpoints found for workspace' },
      ]);
      const bad = await app.http.withBearer(ADMIN_TOKEN).get('/workspaces/x/checkpoints/latest');
      expect([bad.status, bad.body]).toEqual([400, { error: 'invalid workspace ID' }]);
      expect((await app.http.get(path('/latest'))).status).toBe(401);
    });
  });

  describe('GET /workspaces/:id/checkpoints/:wfid', () => {
    it('every step of the workflow, highest step_index first (a crash after llm_call)', async () => {
      await save({ workflow_id: 'task-7', step_name: 'task_receive', step_index: 0 });
      await save({ workflow_id: 'task-7', step_name: 'llm_call', step_index: 1 });
      await save({ workflow_id: 'other', step_name: 'task_receive' });
      const res = await own.get(path('/task-7'));
      expect(res.status).toBe(200);
      expect(res.body.map((e: any) => [e.step_name, e.step_index])).toEqual([
        ['llm_call', 1],
        ['task_receive', 0],
      ]);
      expect(Object.keys(res.body[0]).sort()).toEqual(ENTRY_KEYS);
    });

    it('workflow ids with reserved characters round-trip through the path', async () => {
      const id = 'a/b c?d#e%f';
      await save({ workflow_id: id, step_name: 's' });
      const res = await own.get(path(`/${encodeURIComponent(id)}`));
      expect(res.body.map((e: any) => e.workflow_id)).toEqual([id]);
    });

    it('404 for an unknown workflow', async () => {
      for (const wfid of ['nope']) {
        const res = await own.get(path(`/${wfid}`));
        expect([res.status, res.body]).toEqual([
          404,
          { error: 'no checkpoints found for workflow' },
        ]);
      }
    });
  });

  describe('DELETE /workspaces/:id/checkpoints/:wfid', () => {
    it('deletes every step: {deleted, workflow_id}; then the list is 404', async () => {
      await save({ workflow_id: 'gone', step_name: 'task_receive' });
      await save({ workflow_id: 'gone', step_name: 'llm_call', step_index: 1 });
      await save({ workflow_id: 'kept', step_name: 'task_receive' });
      const res = await own.delete(path('/gone'));
      expect([res.status, res.body]).toEqual([200, { deleted: 2, workflow_id: 'gone' }]);
      expect((await own.get(path('/gone'))).status).toBe(404);
      expect((await own.get(path('/kept'))).status).toBe(200);
    });

    it('reaches a workflow literally named latest (GET cannot)', async () => {
      await save({ workflow_id: 'latest', step_name: 's' });
      const res = await own.delete(path('/latest'));
      expect([res.status, res.body]).toEqual([200, { deleted: 1, workflow_id: 'latest' }]);
    });

    it('404 when there is nothing to delete; 401 without a bearer', async () => {
      const res = await own.delete(path('/nothing'));
      expect([res.status, res.body]).toEqual([404, { error: 'no checkpoints found for workflow' }]);
      expect((await app.http.delete(path('/nothing'))).status).toBe(401);
    });

    it('purging the workspace removes its checkpoints (cascade)', async () => {
      await save({ workflow_id: 'w', step_name: 's' });
      await db.query('DELETE FROM workspace_auth_tokens WHERE workspace_id = $1', [ws]);
      await db.query('DELETE FROM workspaces WHERE id = $1', [ws]);
      expect(
        await db.query('SELECT 1 FROM workflow_checkpoints WHERE workspace_id = $1', [ws]),
      ).toEqual([]);
    });
  });
});
