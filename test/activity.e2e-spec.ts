import { randomUUID } from 'node:crypto';
import { ActivityLogger } from '../src/activity/activity-logger';
import { insertOrgToken, insertToken, insertWorkspace } from './support/factories';
import { HttpClient } from './support/http-client';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';

const ADMIN_TOKEN = 'activity-admin-token';
const INVALID_TYPE =
  'invalid activity_type, must be one of: a2a_send, a2a_receive, task_update, agent_log, skill_promotion, memory_write, error';
const ROW_KEYS = [
  'activity_type',
  'created_at',
  'duration_ms',
  'error_detail',
  'id',
  'method',
  'source_id',
  'status',
  'summary',
  'target_id',
  'workspace_id',
];
const EVENT_KEYS = [
  'activity_type',
  'created_at',
  'duration_ms',
  'id',
  'method',
  'source_id',
  'status',
  'summary',
  'target_id',
];

/** Arrange: one activity row written straight to the table, `ageSecs` seconds old. */
async function insertActivity(
  db: TestDatabase,
  workspaceId: string,
  fields: Record<string, unknown> = {},
  ageSecs = 0,
): Promise<string> {
  const row: Record<string, unknown> = { activity_type: 'agent_log', ...fields };
  const columns = Object.keys(row);
  const values = columns.map((c) =>
    ['request_body', 'response_body', 'tool_trace'].includes(c) ? JSON.stringify(row[c]) : row[c],
  );
  const [inserted] = await db.query<{ id: string }>(
    `INSERT INTO activity_logs (workspace_id, created_at, ${columns.join(', ')})
     VALUES ($1, now() - make_interval(secs => $2), ${columns.map((_, i) => `$${i + 3}`).join(', ')})
     RETURNING id`,
    [workspaceId, ageSecs, ...values],
  );
  return inserted.id;
}

async function rowsOf(db: TestDatabase, workspaceId: string) {
  return db.query<Record<string, any>>(
    'SELECT * FROM activity_logs WHERE workspace_id = $1 ORDER BY created_at',
    [workspaceId],
  );
}

/** A workspace and a client holding its own token. */
async function agent(db: TestDatabase, http: HttpClient): Promise<[string, HttpClient]> {
  const id = await insertWorkspace(db);
  return [id, http.withBearer(await insertToken(db, id))];
}

describe('activity', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, { ADMIN_TOKEN });
  const admin = () => app.http.withBearer(ADMIN_TOKEN);

  describe('auth (WorkspaceAuth)', () => {
    const routes = (id: string): [string, string, unknown][] => [
      ['POST', `/workspaces/${id}/activity`, { activity_type: 'agent_log' }],
      ['GET', `/workspaces/${id}/activity`, undefined],
      ['GET', `/workspaces/${id}/session-search`, undefined],
      ['POST', `/workspaces/${id}/notify`, { message: 'hi' }],
    ];

    it('401 without a bearer (the runtime calls that send none are refused)', async () => {
      const id = await insertWorkspace(db);
      await insertToken(db, id);
      for (const [method, path, body] of routes(id)) {
        const res = await app.http.request(method, path, { body });
        expect([method, path, res.status, res.body]).toEqual([
          method,
          path,
          401,
          { error: 'missing workspace auth token' },
        ]);
      }
      expect(await rowsOf(db, id)).toEqual([]);
    });

    it("401 with another workspace's token", async () => {
      const id = await insertWorkspace(db);
      const [, other] = await agent(db, app.http);
      for (const [method, path, body] of routes(id)) {
        const res = await other.request(method, path, { body });
        expect([path, res.status, res.body]).toEqual([
          path,
          401,
          { error: 'invalid workspace auth token' },
        ]);
      }
      expect(await rowsOf(db, id)).toEqual([]);
    });

    it('admits its own token, ADMIN_TOKEN and org tokens', async () => {
      const [id, own] = await agent(db, app.http);
      const org = app.http.withBearer(await insertOrgToken(db));
      for (const client of [own, admin(), org]) {
        for (const [method, path, body] of routes(id)) {
          expect([path, (await client.request(method, path, { body })).status]).toEqual([
            path,
            200,
          ]);
        }
      }
    });
  });

  describe('POST /workspaces/:id/activity', () => {
    it('logs an agent_log self-report as an agent row of this workspace', async () => {
      const [id, own] = await agent(db, app.http);
      const res = await own.post(`/workspaces/${id}/activity`, {
        activity_type: 'agent_log',
        summary: 'working on it',
      });
      expect([res.status, res.body]).toEqual([200, { status: 'logged' }]);
      const [row] = await rowsOf(db, id);
      expect(row).toMatchObject({
        workspace_id: id,
        activity_type: 'agent_log',
        source_id: id,
        target_id: null,
        method: null,
        summary: 'working on it',
        request_body: null,
        response_body: null,
        tool_trace: null,
        duration_ms: null,
        status: 'ok',
        error_detail: null,
      });
    });

    it.each([
      ['a2a_send'],
      ['a2a_receive'],
      ['task_update'],
      ['agent_log'],
      ['skill_promotion'],
      ['memory_write'],
      ['error'],
    ])('accepts activity_type %s', async (activity_type) => {
      const [id, own] = await agent(db, app.http);
      const res = await own.post(`/workspaces/${id}/activity`, { activity_type });
      expect([res.status, res.body]).toEqual([200, { status: 'logged' }]);
      expect((await rowsOf(db, id)).map((r) => r.activity_type)).toEqual([activity_type]);
    });

    it.each([['delegation'], ['bogus'], ['Agent_Log']])(
      'rejects activity_type %p with the allow-list (memory_write included)',
      async (activity_type) => {
        const [id, own] = await agent(db, app.http);
        const res = await own.post(`/workspaces/${id}/activity`, { activity_type });
        expect([res.status, res.body]).toEqual([400, { error: INVALID_TYPE }]);
        expect(await rowsOf(db, id)).toEqual([]);
      },
    );

    it.each([
      ['an empty object', {}],
      ['an empty activity_type', { activity_type: '' }],
      ['a numeric activity_type', { activity_type: 5 }],
      ['a numeric summary', { activity_type: 'agent_log', summary: 5 }],
      ['a string duration', { activity_type: 'agent_log', duration_ms: '5' }],
      ['a fractional duration', { activity_type: 'agent_log', duration_ms: 1.5 }],
      ['a duration beyond INTEGER', { activity_type: 'agent_log', duration_ms: 2 ** 31 }],
      ['an array', [{ activity_type: 'agent_log' }]],
      ['invalid JSON', '{"activity_type":'],
      ['no body', undefined],
    ])('400 invalid request body for %s', async (_label, body) => {
      const [id, own] = await agent(db, app.http);
      const res = await own.post(`/workspaces/${id}/activity`, body);
      expect([res.status, res.body]).toEqual([400, { error: 'invalid request body' }]);
      expect(await rowsOf(db, id)).toEqual([]);
    });

    it('stores every field; empty strings become NULL; unknown keys are ignored', async () => {
      const [id, own] = await agent(db, app.http);
      const peer = randomUUID();
      await own.post(`/workspaces/${id}/activity`, {
        workspace_id: randomUUID(),
        activity_type: 'a2a_receive',
        source_id: id,
        target_id: peer,
        method: 'message/send',
        summary: 'got the result',
        status: 'error',
        error_detail: 'peer timed out',
        duration_ms: 1500,
        request_body: { task: 'audit' },
        response_body: { result: 'done' },
        extra: true,
      });
      await own.post(`/workspaces/${id}/activity`, {
        activity_type: 'task_update',
        method: '',
        summary: '',
        target_id: '',
        error_detail: '',
        status: '',
        source_id: '',
      });
      const [full, empty] = await rowsOf(db, id);
      expect(full).toMatchObject({
        workspace_id: id,
        source_id: id,
        target_id: peer,
        method: 'message/send',
        summary: 'got the result',
        status: 'error',
        error_detail: 'peer timed out',
        duration_ms: 1500,
        request_body: { task: 'audit' },
        response_body: { result: 'done' },
      });
      expect(empty).toMatchObject({
        source_id: id,
        target_id: null,
        method: null,
        summary: null,
        error_detail: null,
        status: 'ok',
      });
    });

    it('request_body falls back to metadata (the skill-promotion report)', async () => {
      const [id, own] = await agent(db, app.http);
      await own.post(`/workspaces/${id}/activity`, {
        activity_type: 'skill_promotion',
        method: 'memory/skill-promotion',
        metadata: { skill: 'deploy' },
      });
      await own.post(`/workspaces/${id}/activity`, {
        activity_type: 'skill_promotion',
        request_body: { kept: true },
        metadata: { skill: 'ignored' },
      });
      expect((await rowsOf(db, id)).map((r) => r.request_body)).toEqual([
        { skill: 'deploy' },
        { kept: true },
      ]);
    });

    it('a target_id that is not a UUID is stored, not lost', async () => {
      const [id, own] = await agent(db, app.http);
      const res = await own.post(`/workspaces/${id}/activity`, {
        activity_type: 'a2a_send',
        target_id: 'webhook:github',
      });
      expect(res.status).toBe(200);
      expect((await rowsOf(db, id)).map((r) => r.target_id)).toEqual(['webhook:github']);
    });

    it('its own source_id is accepted', async () => {
      const [id, own] = await agent(db, app.http);
      const res = await own.post(`/workspaces/${id}/activity`, {
        activity_type: 'agent_log',
        source_id: id,
      });
      expect([res.status, res.body]).toEqual([200, { status: 'logged' }]);
    });

    it.each([
      ['another workspace', randomUUID()],
      ['a system id', 'system:scheduler'],
      ['a log-injection attempt', `${randomUUID()}\n{"level":"info","msg":"forged"}`],
    ])('403 for a foreign source_id (%s), nothing written', async (_label, source_id) => {
      const [id, own] = await agent(db, app.http);
      const res = await own.post(`/workspaces/${id}/activity`, {
        activity_type: 'agent_log',
        source_id,
      });
      expect([res.status, res.body]).toEqual([
        403,
        { error: 'source_id must match authenticated workspace' },
      ]);
      expect(res.text).toBe('{"error":"source_id must match authenticated workspace"}');
      expect(await rowsOf(db, id)).toEqual([]);
    });

    it('a write the database refuses is a 500, not a silent 200', async () => {
      const [id, own] = await agent(db, app.http);
      // A constraint that refuses this one summary (NOT VALID: existing rows are not checked).
      await db.query(
        `ALTER TABLE activity_logs ADD CONSTRAINT refuse_for_test CHECK (summary IS DISTINCT FROM 'refused') NOT VALID`,
      );
      try {
        const res = await own.post(`/workspaces/${id}/activity`, {
          activity_type: 'agent_log',
          summary: 'refused',
        });
        expect([res.status, res.body]).toEqual([500, { error: 'failed to log activity' }]);
      } finally {
        await db.query('ALTER TABLE activity_logs DROP CONSTRAINT refuse_for_test');
      }
    });

    it('404 workspace not found for a workspace that has no row (not a failed insert)', async () => {
      const unknown = await admin().post(`/workspaces/${randomUUID()}/activity`, {
        activity_type: 'agent_log',
      });
      expect([unknown.status, unknown.body]).toEqual([404, { error: 'workspace not found' }]);
    });

    it('400 invalid workspace ID for a malformed id', async () => {
      const res = await admin().post('/workspaces/not-a-uuid/activity', {
        activity_type: 'agent_log',
      });
      expect([res.status, res.body]).toEqual([400, { error: 'invalid workspace ID' }]);
    });

    describe('ACTIVITY_LOGGED', () => {
      let ws: TestWsClient;
      beforeEach(async () => {
        ws = await TestWsClient.connect(app.baseUrl);
      });
      afterEach(() => ws.close());

      it('carries the row (id and created_at included); no body keys without bodies', async () => {
        const [id, own] = await agent(db, app.http);
        await own.post(`/workspaces/${id}/activity`, {
          activity_type: 'task_update',
          summary: 'step 2',
        });
        const frame = await ws.nextEvent('ACTIVITY_LOGGED', id);
        expect(Object.keys(frame.payload).sort()).toEqual(EVENT_KEYS);
        const [row] = await rowsOf(db, id);
        expect(frame.payload).toEqual({
          id: row.id,
          activity_type: 'task_update',
          method: null,
          summary: 'step 2',
          status: 'ok',
          source_id: id,
          target_id: null,
          duration_ms: null,
          created_at: (row.created_at as Date).toISOString(),
        });
      });

      it('carries request_body / response_body exactly as stored', async () => {
        const [id, own] = await agent(db, app.http);
        const peer = randomUUID();
        await own.post(`/workspaces/${id}/activity`, {
          activity_type: 'a2a_send',
          target_id: peer,
          method: 'message/send',
          summary: 'Delegating to Perf Auditor',
          request_body: { task: 'audit moleculesai.app for performance' },
        });
        const sent = await ws.nextEvent('ACTIVITY_LOGGED', id);
        expect(Object.keys(sent.payload).sort()).toEqual([...EVENT_KEYS, 'request_body'].sort());
        expect(sent.payload.request_body).toEqual({
          task: 'audit moleculesai.app for performance',
        });

        await own.post(`/workspaces/${id}/activity`, {
          activity_type: 'a2a_receive',
          target_id: peer,
          response_body: { result: 'score 97' },
          duration_ms: 900,
        });
        const received = await ws.next(
          (f) => f.event === 'ACTIVITY_LOGGED' && f.payload.activity_type === 'a2a_receive',
        );
        expect(Object.keys(received.payload).sort()).toEqual(
          [...EVENT_KEYS, 'response_body'].sort(),
        );
        expect(received.payload).toMatchObject({
          response_body: { result: 'score 97' },
          duration_ms: 900,
          target_id: peer,
        });
      });

      it('is not sent for a refused report', async () => {
        const [id, own] = await agent(db, app.http);
        await own.post(`/workspaces/${id}/activity`, { activity_type: 'bogus' });
        await own.post(`/workspaces/${id}/activity`, {
          activity_type: 'agent_log',
          source_id: randomUUID(),
        });
        await own.post(`/workspaces/${id}/activity`, {
          activity_type: 'agent_log',
          summary: '\u0000',
        });
        await own.post(`/workspaces/${id}/activity`, { activity_type: 'agent_log', summary: 'ok' });
        const frame = await ws.nextEvent('ACTIVITY_LOGGED', id);
        expect(frame.payload.summary).toBe('ok');
        expect(ws.frames.filter((f) => f.workspace_id === id)).toHaveLength(1);
      });
    });
  });

  describe('GET /workspaces/:id/activity', () => {
    it('[] for a workspace without activity', async () => {
      const [id, own] = await agent(db, app.http);
      const res = await own.get(`/workspaces/${id}/activity`);
      expect([res.status, res.text]).toEqual([200, '[]']);
    });

    it('newest first; nullable keys as null; JSON columns only when non-NULL', async () => {
      const [id, own] = await agent(db, app.http);
      const peer = randomUUID();
      const older = await insertActivity(db, id, { activity_type: 'task_update' }, 60);
      const newer = await insertActivity(db, id, {
        activity_type: 'a2a_receive',
        source_id: peer,
        target_id: id,
        method: 'message/send',
        summary: 'hello',
        request_body: { params: { message: { parts: [{ kind: 'text', text: 'hi' }] } } },
        response_body: { result: 'hey' },
        tool_trace: [{ tool: 'bash', input: 'ls', output_preview: 'x' }],
        duration_ms: 42,
        status: 'error',
        error_detail: 'boom',
      });
      await insertActivity(db, await insertWorkspace(db)); // another workspace's row
      const res = await own.get(`/workspaces/${id}/activity`);
      expect(res.status).toBe(200);
      expect(res.body.map((r: { id: string }) => r.id)).toEqual([newer, older]);
      const [first, second] = res.body;
      expect(Object.keys(first).sort()).toEqual(
        [...ROW_KEYS, 'request_body', 'response_body', 'tool_trace'].sort(),
      );
      expect(first).toMatchObject({
        workspace_id: id,
        activity_type: 'a2a_receive',
        source_id: peer,
        target_id: id,
        method: 'message/send',
        summary: 'hello',
        request_body: { params: { message: { parts: [{ kind: 'text', text: 'hi' }] } } },
        response_body: { result: 'hey' },
        tool_trace: [{ tool: 'bash', input: 'ls', output_preview: 'x' }],
        duration_ms: 42,
        status: 'error',
        error_detail: 'boom',
      });
      expect(new Date(first.created_at).toISOString()).toBe(first.created_at);
      expect(Object.keys(second).sort()).toEqual(ROW_KEYS);
      expect(second).toMatchObject({
        source_id: null,
        target_id: null,
        method: null,
        summary: null,
        duration_ms: null,
        error_detail: null,
        status: 'ok',
      });
    });

    it('a JSON null body is returned as null (present), unlike SQL NULL', async () => {
      const [id, own] = await agent(db, app.http);
      await insertActivity(db, id, { response_body: null });
      await db.query(
        `UPDATE activity_logs SET response_body = 'null'::jsonb WHERE workspace_id = $1`,
        [id],
      );
      const [row] = (await own.get(`/workspaces/${id}/activity`)).body;
      expect(row).toHaveProperty('response_body', null);
      expect('request_body' in row).toBe(false);
    });

    describe('filters', () => {
      let id: string;
      let own: HttpClient;
      const peer = randomUUID();

      beforeAll(async () => {
        [id, own] = await agent(db, app.http);
        await insertActivity(db, id, { activity_type: 'a2a_receive', summary: 'canvas turn' }, 40);
        await insertActivity(
          db,
          id,
          { activity_type: 'a2a_receive', source_id: peer, summary: 'agent turn' },
          30,
        );
        await insertActivity(
          db,
          id,
          { activity_type: 'a2a_send', source_id: id, summary: 'out' },
          20,
        );
        await insertActivity(
          db,
          id,
          { activity_type: 'delegation', source_id: id, summary: 'd' },
          10,
        );
      });

      const summaries = async (query: string) => {
        const res = await own.get(`/workspaces/${id}/activity${query}`);
        expect(res.status).toBe(200);
        return res.body.map((r: { summary: string }) => r.summary);
      };

      it('type: exact match, not validated', async () => {
        expect(await summaries('?type=a2a_receive')).toEqual(['agent turn', 'canvas turn']);
        expect(await summaries('?type=delegation')).toEqual(['d']);
        expect(await summaries('?type=nothing-like-this')).toEqual([]);
        expect(await summaries('?type=')).toEqual(['d', 'out', 'agent turn', 'canvas turn']);
      });

      it('source=canvas ⇔ source_id IS NULL; source=agent ⇔ IS NOT NULL; empty = all', async () => {
        expect(await summaries('?source=canvas')).toEqual(['canvas turn']);
        expect(await summaries('?source=agent')).toEqual(['d', 'out', 'agent turn']);
        expect(await summaries('?source=')).toHaveLength(4);
      });

      it('type and source combine (the chat-history query)', async () => {
        expect(await summaries('?type=a2a_receive&source=canvas&limit=50')).toEqual([
          'canvas turn',
        ]);
        expect(await summaries('?type=a2a_receive&source=agent')).toEqual(['agent turn']);
      });

      it.each([['bogus'], ['CANVAS'], ['user']])('400 for source=%s', async (source) => {
        const res = await own.get(`/workspaces/${id}/activity?source=${source}`);
        expect([res.status, res.body]).toEqual([
          400,
          { error: "source must be 'canvas' or 'agent'" },
        ]);
      });

      it('limit keeps the newest rows', async () => {
        expect(await summaries('?limit=2')).toEqual(['d', 'out']);
      });
    });

    describe('limit', () => {
      let id: string;
      let own: HttpClient;

      beforeAll(async () => {
        [id, own] = await agent(db, app.http);
        await db.query(
          `INSERT INTO activity_logs (workspace_id, activity_type, summary, created_at)
           SELECT $1, 'agent_log', 'row ' || n, now() - make_interval(secs => n)
             FROM generate_series(1, 510) AS n`,
          [id],
        );
      });

      it.each([
        ['', 100],
        ['?limit=10', 10],
        ['?limit=500', 500],
        ['?limit=9999', 500],
        ['?limit=0', 100],
        ['?limit=-3', 100],
        ['?limit=abc', 100],
        ['?limit=2.5', 100],
      ])('%s → %i rows', async (query, count) => {
        const res = await own.get(`/workspaces/${id}/activity${query}`);
        expect(res.status).toBe(200);
        expect(res.body).toHaveLength(count);
        expect(res.body[0].summary).toBe('row 1');
      });
    });

    describe('since_secs', () => {
      let id: string;
      let own: HttpClient;
      const DAY = 86_400;

      beforeAll(async () => {
        [id, own] = await agent(db, app.http);
        await insertActivity(db, id, { summary: 'now' });
        await insertActivity(db, id, { summary: '1h' }, 3600);
        await insertActivity(db, id, { summary: '2d' }, 2 * DAY);
        await insertActivity(db, id, { summary: '29d' }, 29 * DAY);
        await insertActivity(db, id, { summary: '40d' }, 40 * DAY);
      });

      const summaries = async (query: string) => {
        const res = await own.get(`/workspaces/${id}/activity${query}`);
        expect(res.status).toBe(200);
        return res.body.map((r: { summary: string }) => r.summary);
      };

      it('omitted: no time filter', async () => {
        expect(await summaries('')).toEqual(['now', '1h', '2d', '29d', '40d']);
      });

      it('keeps rows created within the last since_secs seconds', async () => {
        expect(await summaries('?since_secs=60')).toEqual(['now']);
        expect(await summaries('?since_secs=7200')).toEqual(['now', '1h']);
        expect(await summaries(`?since_secs=${3 * DAY}`)).toEqual(['now', '1h', '2d']);
        expect(await summaries('?since_secs=%2B60')).toEqual(['now']);
      });

      it('combines with type, source and limit', async () => {
        expect(await summaries('?since_secs=7200&type=agent_log&source=canvas&limit=1')).toEqual([
          'now',
        ]);
        expect(await summaries('?since_secs=7200&source=agent')).toEqual([]);
      });

      it('is clamped to 30 days', async () => {
        expect(await summaries('?since_secs=2592000')).toEqual(['now', '1h', '2d', '29d']);
        expect(await summaries('?since_secs=999999999')).toEqual(['now', '1h', '2d', '29d']);
      });

      it.each([['0'], ['-1'], ['1.5'], ['abc'], [''], ['1e3'], ['99999999999999999999']])(
        'rejects since_secs=%p',
        async (value) => {
          const res = await own.get(`/workspaces/${id}/activity?since_secs=${value}`);
          expect([res.status, res.body]).toEqual([
            400,
            { error: 'since_secs must be a positive integer' },
          ]);
        },
      );
    });

    it('400 invalid workspace ID for a malformed id', async () => {
      const res = await admin().get('/workspaces/not-a-uuid/activity');
      expect([res.status, res.body]).toEqual([400, { error: 'invalid workspace ID' }]);
    });
  });

  describe('ActivityLogger (as the A2A proxy calls it)', () => {
    let ws: TestWsClient;
    beforeEach(async () => {
      ws = await TestWsClient.connect(app.baseUrl);
    });
    afterEach(() => ws.close());

    it('writes the row and broadcasts it; the listing shows the same row', async () => {
      const id = await insertWorkspace(db);
      const caller = randomUUID();
      const toolTrace = [{ tool: 'read_file', input: 'a', output_preview: 'b' }];
      const rowId = await app.get(ActivityLogger).log({
        workspaceId: id,
        activityType: 'a2a_receive',
        sourceId: caller,
        targetId: id,
        method: 'message/send',
        summary: 'message/send',
        requestBody: { method: 'message/send' },
        responseBody: { result: { parts: [{ kind: 'text', text: 'hi' }] } },
        toolTrace,
        durationMs: 321,
      });
      expect(rowId).toEqual(expect.any(String));
      const frame = await ws.nextEvent('ACTIVITY_LOGGED', id);
      expect(Object.keys(frame.payload).sort()).toEqual(
        [...EVENT_KEYS, 'request_body', 'response_body', 'tool_trace'].sort(),
      );
      const [listed] = (await admin().get(`/workspaces/${id}/activity`)).body;
      expect(frame.payload).toEqual({
        id: rowId,
        activity_type: 'a2a_receive',
        method: 'message/send',
        summary: 'message/send',
        status: 'ok',
        source_id: caller,
        target_id: id,
        duration_ms: 321,
        created_at: listed.created_at,
        request_body: listed.request_body,
        response_body: listed.response_body,
        tool_trace: toolTrace,
      });
      expect(listed).toMatchObject({ id: rowId, tool_trace: toolTrace, duration_ms: 321 });
    });

    it('stores caller ids that are not UUIDs; canvas rows have no source', async () => {
      const id = await insertWorkspace(db);
      const logger = app.get(ActivityLogger);
      await logger.log({
        workspaceId: id,
        activityType: 'a2a_receive',
        sourceId: 'webhook:github',
      });
      await logger.log({ workspaceId: id, activityType: 'a2a_receive', sourceId: null });
      const rows = await rowsOf(db, id);
      expect(rows.map((r) => r.source_id)).toEqual(['webhook:github', null]);
      const canvas = (await admin().get(`/workspaces/${id}/activity?source=canvas`)).body;
      expect(canvas).toHaveLength(1);
      expect(canvas[0].id).toBe(rows[1].id);
    });

    it('a failed write answers undefined and broadcasts nothing', async () => {
      const unknown = randomUUID();
      expect(
        await app.get(ActivityLogger).log({ workspaceId: unknown, activityType: 'a2a_send' }),
      ).toBeUndefined();
      const id = await insertWorkspace(db);
      await app.get(ActivityLogger).log({ workspaceId: id, activityType: 'a2a_send' });
      await ws.nextEvent('ACTIVITY_LOGGED', id);
      expect(ws.frames.filter((f) => f.workspace_id === unknown)).toEqual([]);
    });
  });
});
