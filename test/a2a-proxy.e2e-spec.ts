import { randomUUID } from 'node:crypto';
import { MAX_HELD_REPLY_BYTES } from '../src/a2a/proxy/a2a-proxy.service';
import { a2aClientFor, textOf, useTestAgents } from './support/agents';
import { insertToken, insertWorkspace, WorkspaceSeed } from './support/factories';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';
import { eventually } from './support/eventually';

/** What the canvas sends: no jsonrpc, no id, no messageId. */
const canvasMessage = (text: string) => ({
  method: 'message/send',
  params: { message: { role: 'user', parts: [{ kind: 'text', text }] } },
});

describe('POST /workspaces/:id/a2a', () => {
  const db = useTestDatabase();
  // Dev mode lets the outbound guard reach agents on loopback; ADMIN_TOKEN keeps auth closed.
  const app = useTestApp(db, { MOLECULE_ENV: 'development', ADMIN_TOKEN: 'a2a-admin' });
  const agents = useTestAgents();
  const a2a = (id: string) => `/workspaces/${id}/a2a`;
  const agentWorkspace = async (url: string, seed: WorkspaceSeed = {}) =>
    insertWorkspace(db, { name: 'Agent', url, ...seed });
  const activityOf = (id: string) =>
    db.query<any>(`SELECT * FROM activity_logs WHERE workspace_id = $1 ORDER BY created_at`, [id]);

  describe('a canvas round trip', () => {
    it('wraps the short body into JSON-RPC, forwards only Content-Type, and relays the reply verbatim', async () => {
      const agent = await agents.start({ text: 'hello back' });
      const id = await agentWorkspace(agent.url);
      const ws = await TestWsClient.connect(app.baseUrl);
      try {
        const res = await app.http.post(a2a(id), canvasMessage('hi'), {
          headers: { Cookie: 'x=y' },
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/json');
        expect(res.body.jsonrpc).toBe('2.0');
        expect(res.body.result.parts).toEqual([{ kind: 'text', text: 'hello back' }]);

        const forwarded = agent.requests.find((r) => r.method === 'POST')!;
        expect(forwarded.body).toMatchObject({
          jsonrpc: '2.0',
          id: expect.any(String),
          method: 'message/send',
        });
        expect(forwarded.body.params.message.messageId).toMatch(/^[0-9a-f-]{36}$/);
        expect(res.body.id).toBe(forwarded.body.id);
        for (const header of ['authorization', 'x-workspace-id', 'cookie'])
          expect(forwarded.headers[header]).toBeUndefined();

        const response = await ws.nextEvent('A2A_RESPONSE', id);
        expect(response.payload).toEqual({
          response_body: res.body,
          method: 'message/send',
          duration_ms: expect.any(Number),
        });
        const logged = await ws.nextEvent('ACTIVITY_LOGGED', id);
        expect(logged.payload).toMatchObject({
          activity_type: 'a2a_receive',
          method: 'message/send',
          summary: 'message/send → Agent',
          status: 'ok',
          source_id: null,
          target_id: id,
        });
        const [row] = await activityOf(id);
        expect(row).toMatchObject({
          activity_type: 'a2a_receive',
          source_id: null,
          target_id: id,
          status: 'ok',
        });
        expect(row.request_body).toEqual(forwarded.body);
        expect(row.response_body).toEqual(res.body);
      } finally {
        await ws.close();
      }
    });

    it('keeps an already-wrapped JSON-RPC request as sent (its id too)', async () => {
      const agent = await agents.start();
      const id = await agentWorkspace(agent.url);
      const body = {
        jsonrpc: '2.0',
        id: 'caller-id-7',
        method: 'message/send',
        params: {
          message: { role: 'user', messageId: 'm-1', parts: [{ kind: 'text', text: 'x' }] },
        },
      };
      const res = await app.http.post(a2a(id), body);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe('caller-id-7');
      expect(agent.requests.find((r) => r.method === 'POST')!.body).toEqual(body);
    });

    it('relays the agent’s JSON-RPC error for an unknown method unchanged', async () => {
      const agent = await agents.start();
      const id = await agentWorkspace(agent.url);
      const res = await app.http.post(a2a(id), {
        jsonrpc: '2.0',
        id: 'x-1',
        method: 'tasks/frobnicate',
        params: {},
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ jsonrpc: '2.0', id: 'x-1', error: { code: -32601 } });
    });

    it('works with the official A2A client pointed at the proxy', async () => {
      const agent = await agents.start();
      const id = await agentWorkspace(agent.url);
      const reply = await a2aClientFor(`${app.baseUrl}${a2a(id)}`).sendMessage('through the proxy');
      expect(textOf(reply)).toBe('echo: through the proxy');
    });

    it('lifts result.metadata.tool_trace into the activity row', async () => {
      const trace = [{ tool: 'search', input: { q: 'x' }, output_preview: 'found' }];
      const agent = await agents.start({ toolTrace: trace });
      const id = await agentWorkspace(agent.url);
      await app.http.post(a2a(id), canvasMessage('t'));
      const row = await eventually(async () => (await activityOf(id))[0], 'activity row');
      expect(row.tool_trace).toEqual(trace);
    });
  });

  describe('message/stream', () => {
    it('streams SSE through as it arrives, without waiting for the end', async () => {
      const agent = await agents.start({
        mode: 'stream',
        chunks: ['one ', 'two ', 'three'],
        pauseAfterFirstChunk: true,
      });
      const id = await agentWorkspace(agent.url);
      const stream = a2aClientFor(`${app.baseUrl}${a2a(id)}`).streamMessage('go');
      const events: unknown[] = [];
      const iterator = stream[Symbol.asyncIterator]();
      // The agent is parked after its first chunk: receiving events now proves nothing is buffered.
      while (!JSON.stringify(events).includes('one ')) events.push((await iterator.next()).value);
      expect(agent.sseEventsSent.length).toBeLessThan(6);
      agent.release();
      for (let next = await iterator.next(); !next.done; next = await iterator.next())
        events.push(next.value);
      expect(JSON.stringify(events)).toContain('three');
      const row = await eventually(async () => (await activityOf(id))[0], 'activity row');
      expect(row.status).toBe('ok');
      expect(row.response_body).not.toBeNull();
    });

    it('answers SSE with its content type', async () => {
      const agent = await agents.start({ mode: 'stream' });
      const id = await agentWorkspace(agent.url);
      const res = await fetch(`${app.baseUrl}${a2a(id)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          method: 'message/stream',
          params: { message: { role: 'user', parts: [{ kind: 'text', text: 's' }] } },
        }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(await res.text()).toContain('data:');
    });

    it('ends the client stream when the agent dies mid-stream, and logs the failure', async () => {
      const agent = await agents.start({ mode: 'dieMidStream', eventsBeforeDeath: 2 });
      const id = await agentWorkspace(agent.url);
      const consume = async () => {
        for await (const _ of a2aClientFor(`${app.baseUrl}${a2a(id)}`).streamMessage('x')) void _;
      };
      await expect(consume()).rejects.toThrow();
      const row = await eventually(async () => (await activityOf(id))[0], 'failure row');
      expect(row.status).toBe('error');
      expect(row.summary).toMatch(/^A2A request to Agent failed: stream broke off/);
    });
  });

  describe('callers', () => {
    it('an agent caller needs its own token once it has one, and passes the hierarchy check', async () => {
      const agent = await agents.start();
      const parent = await insertWorkspace(db);
      const target = await agentWorkspace(agent.url, { parent_id: parent });
      const sibling = await insertWorkspace(db, { parent_id: parent });
      const token = await insertToken(db, sibling);
      const as = (headers: Record<string, string>) =>
        app.http.post(a2a(target), canvasMessage('peer'), { headers });

      expect((await as({ 'X-Workspace-ID': sibling })).body).toEqual({
        error: 'missing caller auth token',
      });
      expect((await as({ 'X-Workspace-ID': sibling, Authorization: 'Bearer nope' })).body).toEqual({
        error: 'invalid caller auth token',
      });
      const targetToken = await insertToken(db, target);
      expect(
        (await as({ 'X-Workspace-ID': sibling, Authorization: `Bearer ${targetToken}` })).status,
      ).toBe(401);
      const ok = await as({ 'X-Workspace-ID': sibling, Authorization: `Bearer ${token}` });
      expect(ok.status).toBe(200);

      const row = await eventually(async () => (await activityOf(target))[0], 'activity row');
      expect(row.source_id).toBe(sibling);
      const [caller] = await db.query<any>(
        'SELECT last_outbound_at FROM workspaces WHERE id = $1',
        [sibling],
      );
      await eventually(
        async () =>
          (
            await db.query<any>('SELECT last_outbound_at FROM workspaces WHERE id = $1', [sibling])
          )[0].last_outbound_at ?? undefined,
        'last_outbound_at',
      );
      void caller;
    });

    it('refuses workspaces the hierarchy keeps apart (cousins)', async () => {
      const agent = await agents.start();
      const [a, b] = [await insertWorkspace(db), await insertWorkspace(db)];
      const target = await agentWorkspace(agent.url, { parent_id: a });
      const cousin = await insertWorkspace(db, { parent_id: b });
      const res = await app.http.post(a2a(target), canvasMessage('x'), {
        headers: { 'X-Workspace-ID': cousin },
      });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        error: 'access denied: workspaces cannot communicate per hierarchy rules',
      });
      expect(agent.requests).toEqual([]);
    });

    it.each(['system:restart-context', 'webhook:github', 'test:x', 'channel:slack', 'not-a-uuid'])(
      'refuses the forged caller id %p',
      async (caller) => {
        const id = await insertWorkspace(db, { url: 'http://localhost:1' });
        const res = await app.http.post(a2a(id), canvasMessage('x'), {
          headers: { 'X-Workspace-ID': caller },
        });
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ error: 'invalid caller ID' });
      },
    );

    it('a self call needs no token and is attributed to the agent (no A2A_RESPONSE)', async () => {
      const agent = await agents.start();
      const id = await agentWorkspace(agent.url);
      await insertToken(db, id);
      const ws = await TestWsClient.connect(app.baseUrl);
      try {
        const res = await app.http.post(a2a(id), canvasMessage('wake up'), {
          headers: { 'X-Workspace-ID': id.toUpperCase() },
        });
        expect(res.status).toBe(200);
        await ws.nextEvent('ACTIVITY_LOGGED', id);
        expect(ws.frames.some((f) => f.event === 'A2A_RESPONSE')).toBe(false);
        expect((await activityOf(id))[0].source_id).toBe(id);
      } finally {
        await ws.close();
      }
    });
  });

  describe('refusals before any dispatch', () => {
    it.each([
      [{ budget_limit: 100, monthly_spend: 100 }, 402],
      [{ budget_limit: 100, monthly_spend: 250 }, 402],
      [{ budget_limit: 0, monthly_spend: 0 }, 402],
      [{ budget_limit: 100, monthly_spend: 99 }, 200],
      [{ budget_limit: null, monthly_spend: 10_000 }, 200],
    ])('budget %j → %p', async (budget, status) => {
      const agent = await agents.start();
      const id = await agentWorkspace(agent.url, budget);
      const res = await app.http.post(a2a(id), canvasMessage('$'));
      expect(res.status).toBe(status);
      if (status === 402) expect(res.body).toEqual({ error: 'workspace budget limit exceeded' });
    });

    it('404 for an unknown workspace, 400 for a malformed id', async () => {
      expect((await app.http.post(a2a(randomUUID()), canvasMessage('x'))).body).toEqual({
        error: 'workspace not found',
      });
      const bad = await app.http.post(a2a('nope'), canvasMessage('x'));
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ error: 'invalid workspace ID' });
    });

    it('503 with the status when the workspace has no URL yet', async () => {
      const id = await insertWorkspace(db, { status: 'provisioning', url: null });
      const res = await app.http.post(a2a(id), canvasMessage('x'));
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: 'workspace has no URL', status: 'provisioning' });
    });

    it('a hibernated workspace is woken: 503 with Retry-After, and it is meant to run again', async () => {
      const id = await insertWorkspace(db, { status: 'hibernated', url: '' });
      const res = await app.http.post(a2a(id), canvasMessage('x'));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('15');
      expect(res.body).toEqual({
        error: 'workspace is waking from hibernation — retry in ~15 seconds',
        waking: true,
        retry_after: 15,
      });
      // The wake is recorded before the answer (the lifecycle tests follow it to a container).
      const [row] = await db.query<{ desired_state: string; desired_generation: string }>(
        'SELECT desired_state, desired_generation FROM workspaces WHERE id = $1',
        [id],
      );
      expect(row).toEqual({ desired_state: 'running', desired_generation: '1' });
    });

    it('502 when the workspace URL points somewhere the outbound guard forbids', async () => {
      const id = await insertWorkspace(db, { url: 'http://169.254.169.254/latest' });
      const res = await app.http.post(a2a(id), canvasMessage('x'));
      expect(res.status).toBe(502);
      expect(res.body).toEqual({ error: 'workspace URL is not publicly routable' });
    });

    it.each([
      ['not JSON', '{nope'],
      ['a JSON array', '[1,2]'],
      ['a JSON string', '"hello"'],
      ['an empty body', ''],
    ])('400 invalid JSON for %s (checked after the URL)', async (_, body) => {
      const agent = await agents.start();
      const id = await agentWorkspace(agent.url);
      const res = await app.http.post(a2a(id), body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid JSON' });
      expect(agent.requests.filter((r) => r.method === 'POST')).toEqual([]);
    });

    it('a malformed body to a missing workspace is a 404 (the URL is resolved first)', async () => {
      expect((await app.http.post(a2a(randomUUID()), '{nope')).status).toBe(404);
    });

    it('413 for a body over 1 MiB, with nothing forwarded or logged', async () => {
      const agent = await agents.start();
      const id = await agentWorkspace(agent.url);
      const res = await app.http.post(a2a(id), canvasMessage('x'.repeat(1024 * 1024 + 1)));
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ error: 'request body exceeds the 1 MiB limit' });
      expect(agent.requests).toEqual([]);
      expect(await activityOf(id)).toEqual([]);
    });
  });

  describe('agent errors', () => {
    it.each([
      [{ mode: 'status' as const, status: 500, body: { error: 'boom' } }, 500, 'boom'],
      [{ mode: 'status' as const, status: 503, body: 'overloaded' }, 503, 'Service Unavailable'],
      [{ mode: 'status' as const, status: 404, body: { error: 42 } }, 404, 'Not Found'],
      [{ mode: 'status' as const, status: 302, body: '' }, 302, 'Found'],
      // Go's wording, not Node's `Payload Too Large`.
      [{ mode: 'status' as const, status: 413, body: '' }, 413, 'Request Entity Too Large'],
    ])('relays %j as %p with the agent error or the reason phrase', async (mode, status, error) => {
      const agent = await agents.start(mode);
      const id = await agentWorkspace(agent.url);
      const res = await app.http.post(a2a(id), canvasMessage('x'));
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ error });
      const row = await eventually(async () => (await activityOf(id))[0], 'activity row');
      expect(row.status).toBe(status >= 400 ? 'error' : 'ok');
    });

    describe('replies over the 10 MiB hold limit', () => {
      const huge = 'z'.repeat(MAX_HELD_REPLY_BYTES + 1024 * 1024);

      it('streams a 2xx reply on whole, labelled JSON, and logs it without a body', async () => {
        const agent = await agents.start({ mode: 'status', status: 200, body: huge });
        const id = await agentWorkspace(agent.url);
        const res = await app.http.post(a2a(id), canvasMessage('x'));
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/json');
        expect(res.headers.get('cache-control')).toBeNull();
        expect(res.text.length).toBe(huge.length);
        expect(res.text === huge).toBe(true);
        const row = await eventually(async () => (await activityOf(id))[0], 'activity row');
        expect([row.status, row.response_body]).toEqual(['ok', null]);
      });

      it('answers an error reply in the error shape with the reason phrase', async () => {
        const agent = await agents.start({ mode: 'status', status: 500, body: huge });
        const id = await agentWorkspace(agent.url);
        const res = await app.http.post(a2a(id), canvasMessage('x'));
        expect(res.status).toBe(500);
        expect(res.headers.get('content-type')).toBe('application/json');
        expect(res.body).toEqual({ error: 'Internal Server Error' });
        const row = await eventually(async () => (await activityOf(id))[0], 'activity row');
        expect(row.status).toBe('error');
      });
    });

    it('relays a 2xx body that is not JSON verbatim and logs it as null', async () => {
      const agent = await agents.start({ mode: 'invalidJson' });
      const id = await agentWorkspace(agent.url);
      const res = await app.http.post(a2a(id), canvasMessage('x'));
      expect(res.status).toBe(200);
      const row = await eventually(async () => (await activityOf(id))[0], 'activity row');
      expect(row.response_body).toBeNull();
    });

    it('502 delivery_confirmed when the reply breaks off after a 200', async () => {
      const agent = await agents.start({
        mode: 'headersThenDie',
        status: 200,
        partialBody: '{"jsonrpc":"2.0","res',
      });
      const id = await agentWorkspace(agent.url);
      const res = await app.http.post(a2a(id), canvasMessage('x'));
      expect(res.status).toBe(502);
      expect(res.body).toEqual({
        error: 'failed to read agent response',
        delivery_confirmed: true,
      });
    });

    it('502 when nobody answers, with a failure row', async () => {
      const agent = await agents.start();
      const url = agent.url;
      await agent.close();
      const id = await agentWorkspace(url);
      const res = await app.http.post(a2a(id), canvasMessage('x'));
      expect(res.status).toBe(502);
      expect(res.body).toEqual({ error: 'failed to reach workspace agent' });
      const row = await eventually(async () => (await activityOf(id))[0], 'failure row');
      expect(row).toMatchObject({ status: 'error', response_body: null });
      expect(row.summary).toMatch(/^A2A request to Agent failed: /);
      expect(row.error_detail).toBeTruthy();
    });
  });
});
