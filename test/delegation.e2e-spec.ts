import { createHash } from 'node:crypto';
import { useTestAgents } from './support/agents';
import { eventually } from './support/eventually';
import { insertWorkspace } from './support/factories';
import { HttpClient } from './support/http-client';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';
import { EventFrame, TestWsClient } from './support/ws-client';

const ADMIN = 'delegation-admin';
const ENV = { MOLECULE_ENV: 'development', ADMIN_TOKEN: ADMIN };
const ACCESS_DENIED = 'access denied: workspaces cannot communicate per hierarchy rules';
const DELEGATION_EVENTS = [
  'DELEGATION_SENT',
  'DELEGATION_STATUS',
  'DELEGATION_COMPLETE',
  'DELEGATION_FAILED',
];

/** The runtime's key: first 32 hex chars of SHA-256("<target>:<task>"). */
const runtimeKey = (target: string, task: string) =>
  createHash('sha256').update(`${target}:${task}`).digest('hex').slice(0, 32);

describe('POST /workspaces/:id/delegate', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, ENV);
  const agents = useTestAgents();
  let ws: TestWsClient;
  beforeEach(async () => {
    ws = await TestWsClient.connect(app.baseUrl);
  });
  afterEach(() => ws.close());

  const admin = (): HttpClient => app.http.withBearer(ADMIN);
  const delegate = (source: string, body: unknown) =>
    admin().post(`/workspaces/${source}/delegate`, body);
  const rowsOf = (source: string) =>
    db.query<any>(
      `SELECT method, source_id, target_id, summary, status, error_detail, request_body,
              response_body, idempotency_key
         FROM activity_logs WHERE workspace_id = $1 AND activity_type = 'delegation'
        ORDER BY created_at, method`,
      [source],
    );
  const delegationEvents = (source: string) =>
    ws.frames.filter((f) => f.workspace_id === source && DELEGATION_EVENTS.includes(f.event));
  const settled = (source: string): Promise<EventFrame> =>
    ws.next(
      (f) =>
        f.workspace_id === source &&
        (f.event === 'DELEGATION_COMPLETE' ||
          f.event === 'DELEGATION_FAILED' ||
          (f.event === 'DELEGATION_STATUS' && f.payload.status === 'queued')),
    );
  /** Two siblings: the source, and a target served by `url`. */
  const siblings = async (url: string | null = null) => {
    const parent = await insertWorkspace(db, { name: 'Lead' });
    const source = await insertWorkspace(db, { name: 'Source', parent_id: parent });
    const target = await insertWorkspace(db, { name: 'Target', parent_id: parent, url });
    return { parent, source, target };
  };

  it('delivers the task and records it from pending to completed, with its events', async () => {
    const agent = await agents.start({ text: 'report ready' });
    const { source, target } = await siblings(agent.url);

    const res = await delegate(source, { target_id: target, task: 'write the report' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      delegation_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'delegated',
      target_id: target,
    });
    const id = res.body.delegation_id;
    await settled(source);

    expect(delegationEvents(source).map((f) => [f.event, f.payload])).toEqual([
      [
        'DELEGATION_SENT',
        { delegation_id: id, target_id: target, task_preview: 'write the report' },
      ],
      ['DELEGATION_STATUS', { delegation_id: id, target_id: target, status: 'dispatched' }],
      [
        'DELEGATION_COMPLETE',
        { delegation_id: id, target_id: target, response_preview: 'report ready' },
      ],
    ]);
    // Delegation rows are written directly: no ACTIVITY_LOGGED on the source.
    expect(
      ws.frames.filter((f) => f.event === 'ACTIVITY_LOGGED' && f.workspace_id === source),
    ).toEqual([]);

    expect(await rowsOf(source)).toEqual([
      {
        method: 'delegate',
        source_id: source,
        target_id: target,
        summary: `Delegating to ${target}`,
        status: 'completed',
        error_detail: null,
        request_body: { task: 'write the report', delegation_id: id },
        response_body: null,
        idempotency_key: null,
      },
      {
        method: 'delegate_result',
        source_id: source,
        target_id: target,
        summary: 'Delegation completed (report ready)',
        status: 'completed',
        error_detail: null,
        request_body: null,
        response_body: { text: 'report ready', delegation_id: id },
        idempotency_key: null,
      },
    ]);

    const calls = agent.requests.filter((r) => r.method === 'POST');
    expect(calls).toHaveLength(1);
    const message = calls[0].body.params.message;
    expect(calls[0].body).toMatchObject({ jsonrpc: '2.0', method: 'message/send' });
    expect(message).toEqual({
      role: 'user',
      messageId: id,
      parts: [{ kind: 'text', type: 'text', text: 'write the report' }],
      metadata: { delegation_id: id },
    });
    // The proxy logged the delivery on the target, with the source as caller.
    const received = await eventually(async () => {
      const [row] = await db.query<any>(
        `SELECT activity_type, source_id, status FROM activity_logs WHERE workspace_id = $1`,
        [target],
      );
      return row;
    }, 'the delivery row');
    expect(received).toEqual({ activity_type: 'a2a_receive', source_id: source, status: 'ok' });
  });

  it('truncates the previews by bytes without splitting a character', async () => {
    const reply = 'é'.repeat(150); // 300 bytes
    const agent = await agents.start({ text: reply });
    const { source, target } = await siblings(agent.url);
    const task = 'x'.repeat(99) + 'é';

    const res = await delegate(source, { target_id: target, task });
    await settled(source);
    const [sent, , complete] = delegationEvents(source);
    expect(sent.payload.task_preview).toBe('x'.repeat(99) + '...');
    expect(complete.payload.response_preview).toBe('é'.repeat(100) + '...');
    const result = (await rowsOf(source)).find((r) => r.method === 'delegate_result');
    expect(result.summary).toBe(`Delegation completed (${'é'.repeat(40)}...)`);
    expect(result.response_body).toEqual({ text: reply, delegation_id: res.body.delegation_id });
  });

  describe('validation', () => {
    it.each([
      ['no body', undefined],
      ['not JSON', '{"target_id":'],
      ['an array', '[]'],
      ['no target_id', { task: 'x' }],
      ['an empty task', { target_id: '8a0a7ab8-5d8b-4ad2-9a3e-6c1e5e0b6d10', task: '' }],
      ['a numeric target_id', { target_id: 42, task: 'x' }],
      [
        'a non-string key',
        { target_id: '8a0a7ab8-5d8b-4ad2-9a3e-6c1e5e0b6d10', task: 'x', idempotency_key: 7 },
      ],
    ])('400 invalid delegation request for %s', async (_, body) => {
      const source = await insertWorkspace(db);
      const res = await delegate(source, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid delegation request' });
    });

    it('400 when target_id is not a UUID', async () => {
      const source = await insertWorkspace(db);
      const res = await delegate(source, { target_id: 'not-a-uuid', task: 'x' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'target_id must be a valid UUID' });
    });

    it('refuses self-delegation, in any spelling of the id', async () => {
      const source = await insertWorkspace(db);
      for (const spelling of [source, source.toUpperCase(), `{${source}}`]) {
        const res = await delegate(source, { target_id: spelling, task: 'x' });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: 'self-delegation not permitted' });
      }
      expect(await rowsOf(source)).toEqual([]);
    });

    it('401 without a bearer', async () => {
      const source = await insertWorkspace(db);
      const res = await app.http.post(`/workspaces/${source}/delegate`, {
        target_id: source,
        task: 'x',
      });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'missing workspace auth token' });
    });
  });

  describe('failures', () => {
    it('a target outside the hierarchy fails with the proxy 403 text, linkable to its delegation', async () => {
      const agent = await agents.start();
      const source = await insertWorkspace(db, { parent_id: await insertWorkspace(db) });
      const cousin = await insertWorkspace(db, {
        parent_id: await insertWorkspace(db),
        url: agent.url,
      });

      const res = await delegate(source, { target_id: cousin, task: 'x' });
      expect(res.status).toBe(202);
      const id = res.body.delegation_id;
      const failed = await settled(source);
      expect(failed.event).toBe('DELEGATION_FAILED');
      expect(failed.payload).toEqual({
        delegation_id: id,
        target_id: cousin,
        error: ACCESS_DENIED,
      });
      expect(agent.requests).toEqual([]);

      const rows = await rowsOf(source);
      expect(rows.map((r) => [r.method, r.status, r.error_detail])).toEqual([
        ['delegate', 'failed', ACCESS_DENIED],
        ['delegate_result', 'failed', ACCESS_DENIED],
      ]);
      expect(rows[1]).toMatchObject({
        summary: 'Delegation failed',
        target_id: cousin,
        response_body: { delegation_id: id },
      });
    });

    it('an unknown target fails the same way: the hierarchy check comes first', async () => {
      const source = await insertWorkspace(db);
      const nobody = '5f2b3c1e-0000-4000-8000-000000000001';
      const res = await delegate(source, { target_id: nobody, task: 'x' });
      expect(res.status).toBe(202);
      const failed = await settled(source);
      expect(failed.payload).toEqual({
        delegation_id: res.body.delegation_id,
        target_id: nobody,
        error: ACCESS_DENIED,
      });
    });

    it('an agent error status fails the delegation with its error, without a retry', async () => {
      const agent = await agents.start({ mode: 'status', status: 500, body: { error: 'boom' } });
      const { source, target } = await siblings(agent.url);
      await delegate(source, { target_id: target, task: 'x' });
      const failed = await settled(source);
      expect(failed.payload.error).toBe('boom');
      expect(agent.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    });

    it('a target without a URL fails with the proxy text', async () => {
      const { source, target } = await siblings(null);
      await delegate(source, { target_id: target, task: 'x' });
      expect((await settled(source)).payload.error).toBe('workspace has no URL');
    });

    it('still answers 202, with a warning, when the delegation cannot be recorded', async () => {
      const ghost = '5f2b3c1e-0000-4000-8000-000000000002'; // no such workspace: the insert fails
      const target = await insertWorkspace(db);
      const res = await delegate(ghost, { target_id: target, task: 'x' });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        delegation_id: expect.any(String),
        status: 'delegated',
        target_id: target,
        warning: 'delegation dispatched but status tracking unavailable',
      });
    });
  });

  describe('idempotency', () => {
    it('a replay answers 200 with the existing delegation and sends nothing', async () => {
      const agent = await agents.start({ text: 'ok' });
      const { source, target } = await siblings(agent.url);
      const body = { target_id: target, task: 'once', idempotency_key: runtimeKey(target, 'once') };
      const first = await delegate(source, body);
      expect(first.status).toBe(202);
      await settled(source);

      const replay = await delegate(source, body);
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual({
        delegation_id: first.body.delegation_id,
        status: 'completed',
        target_id: target,
        idempotent_hit: true,
      });
      expect(agent.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
      expect(delegationEvents(source).filter((f) => f.event === 'DELEGATION_SENT')).toHaveLength(1);
      expect((await rowsOf(source)).find((r) => r.method === 'delegate').idempotency_key).toBe(
        body.idempotency_key,
      );
    });

    it('a failed delegation gives its key up to a fresh one', async () => {
      const agent = await agents.start({ text: 'second time lucky' });
      const { source, target } = await siblings(null);
      const body = { target_id: target, task: 'retry me', idempotency_key: 'k-1' };
      const first = await delegate(source, body);
      expect((await settled(source)).event).toBe('DELEGATION_FAILED');

      await db.query('UPDATE workspaces SET url = $2 WHERE id = $1', [target, agent.url]);
      const second = await delegate(source, body);
      expect(second.status).toBe(202);
      expect(second.body.idempotent_hit).toBeUndefined();
      expect(second.body.delegation_id).not.toBe(first.body.delegation_id);
      await ws.next((f) => f.event === 'DELEGATION_COMPLETE' && f.workspace_id === source);

      const keyed = await db.query<any>(
        `SELECT request_body->>'delegation_id' AS id, status FROM activity_logs
          WHERE workspace_id = $1 AND idempotency_key = 'k-1'`,
        [source],
      );
      expect(keyed).toEqual([{ id: second.body.delegation_id, status: 'completed' }]);
    });

    it('concurrent requests with one key start one delegation', async () => {
      const agent = await agents.start({ text: 'ok' });
      const { source, target } = await siblings(agent.url);
      const body = { target_id: target, task: 'race', idempotency_key: 'k-race' };
      const replies = await Promise.all([1, 2, 3, 4, 5].map(() => delegate(source, body)));
      const winners = replies.filter((r) => r.status === 202);
      expect(winners).toHaveLength(1);
      const id = winners[0].body.delegation_id;
      for (const r of replies.filter((reply) => reply.status !== 202)) {
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({
          delegation_id: id,
          target_id: target,
          idempotent_hit: true,
        });
      }
      await settled(source);
      expect(agent.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    });
  });

  describe('a busy target', () => {
    it('queues the delegation, then the drain completes it', async () => {
      const agent = await agents.start({ busy: 'drop', text: 'done at last' });
      const { source, target } = await siblings(agent.url);
      const res = await delegate(source, { target_id: target, task: 'when you can' });
      const id = res.body.delegation_id;

      const queued = await settled(source);
      expect(queued.event).toBe('DELEGATION_STATUS');
      expect(queued.payload).toEqual({ delegation_id: id, target_id: target, status: 'queued' });
      expect(
        (await rowsOf(source)).map((r) => [r.method, r.status, r.summary, r.response_body]),
      ).toEqual([
        ['delegate', 'queued', `Delegating to ${target}`, null],
        [
          'delegate_result',
          'queued',
          'Delegation queued — target at capacity',
          { delegation_id: id, queued: true },
        ],
      ]);
      const [item] = await db.query<any>(
        'SELECT caller_id, idempotency_key, status FROM a2a_queue WHERE workspace_id = $1',
        [target],
      );
      expect(item).toEqual({ caller_id: source, idempotency_key: id, status: 'queued' });
      // The reference previews a queued row as its raw JSON.
      const listed = await admin().get(`/workspaces/${source}/delegations`);
      expect(listed.body[0]).toMatchObject({
        delegation_id: id,
        status: 'queued',
        response_preview: `{"queued": true, "delegation_id": "${id}"}`,
      });

      agent.release();
      await app.http.post('/registry/heartbeat', {
        workspace_id: target,
        active_tasks: 0,
        uptime_seconds: 60,
      });
      const complete = await ws.next(
        (f) => f.event === 'DELEGATION_COMPLETE' && f.workspace_id === source,
      );
      expect(complete.payload).toEqual({
        delegation_id: id,
        target_id: target,
        response_preview: 'done at last',
        via: 'queue_drain',
      });
      expect(
        (await rowsOf(source)).map((r) => [r.method, r.status, r.summary, r.response_body]),
      ).toEqual([
        ['delegate', 'completed', `Delegating to ${target}`, null],
        [
          'delegate_result',
          'completed',
          'Delegation completed (done at last)',
          { text: 'done at last', delegation_id: id },
        ],
      ]);
      const delivered = agent.requests.filter((r) => r.method === 'POST').pop()!;
      expect(delivered.body.params.message.messageId).toBe(id);
    });
  });
});
