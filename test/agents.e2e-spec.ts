import type { StreamResponse } from '@a2a-js/sdk';
import {
  a2aClientFor,
  INVALID_JSON_BODY,
  Role,
  TaskState,
  textOf,
  useTestAgents,
  type TestAgent,
} from './support/agents';

// Self-test of the loopback A2A agents: the SDK client talks to each agent directly.

/** `task:SUBMITTED`, `statusUpdate:WORKING`, `artifactUpdate:<text>`, `statusUpdate:COMPLETED:<text>`. */
function describeEvent(event: StreamResponse): string {
  const payload = event.payload;
  switch (payload?.$case) {
    case 'task':
      return `task:${stateName(payload.value.status?.state)}`;
    case 'statusUpdate': {
      const text = textOf(event);
      return `statusUpdate:${stateName(payload.value.status?.state)}${text ? `:${text}` : ''}`;
    }
    case 'artifactUpdate':
      return `artifactUpdate:${textOf(event)}`;
    default:
      return String(payload?.$case);
  }
}

function stateName(state: TaskState | undefined): string {
  return TaskState[state ?? TaskState.TASK_STATE_UNSPECIFIED].replace('TASK_STATE_', '');
}

function postJsonRpc(agent: TestAgent, body: unknown): Promise<Response> {
  return fetch(agent.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const canvasStyleSend = {
  jsonrpc: '2.0',
  id: 'req-1',
  method: 'message/send',
  params: {
    message: { role: 'user', messageId: 'msg-1', parts: [{ kind: 'text', text: 'hi' }] },
  },
};

describe('loopback A2A test agents', () => {
  const agents = useTestAgents();

  describe('reply', () => {
    it('answers message/send with an agent message echoing the user text', async () => {
      const agent = await agents.start();
      const client = a2aClientFor(agent.url);

      const reply = await client.sendMessage('hello there');

      expect('messageId' in reply && reply.role).toBe(Role.ROLE_AGENT);
      expect(textOf(reply)).toBe('echo: hello there');
    });

    it('records each request with its headers and parsed JSON-RPC body', async () => {
      const agent = await agents.start();
      const client = a2aClientFor(agent.url, {
        'X-Workspace-ID': 'caller-ws',
        Authorization: 'Bearer caller-token',
      });

      await client.sendMessage('hello');

      expect(agent.requests).toHaveLength(1);
      const [request] = agent.requests;
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['x-workspace-id']).toBe('caller-ws');
      expect(request.headers.authorization).toBe('Bearer caller-token');
      expect(request.headers['a2a-version']).toBe('0.3');
      expect(request.body).toEqual({
        jsonrpc: '2.0',
        id: 1,
        method: 'message/send',
        params: {
          message: {
            kind: 'message',
            role: 'user',
            messageId: expect.any(String),
            parts: [{ kind: 'text', text: 'hello' }],
          },
          configuration: { blocking: true, acceptedOutputModes: [] },
        },
      });
      expect(JSON.parse(request.rawBody)).toEqual(request.body);
    });

    it('puts the configured text, tool_trace and usage on the v0.3 wire', async () => {
      const toolTrace = [{ tool: 'search', input: { q: 'x' }, output_preview: 'found' }];
      const usage = { input_tokens: 12, output_tokens: 34 };
      const agent = await agents.start({ text: 'done', toolTrace, usage });

      const res = await postJsonRpc(agent, canvasStyleSend);

      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        jsonrpc: '2.0',
        id: 'req-1',
        result: {
          kind: 'message',
          role: 'agent',
          messageId: expect.any(String),
          contextId: expect.any(String),
          taskId: expect.any(String),
          parts: [{ kind: 'text', text: 'done' }],
          metadata: { tool_trace: toolTrace },
          usage,
        },
      });
    });

    it('serves its v0.3 agent card on every loopback address', async () => {
      const agent = await agents.start();

      expect(agent.url).toBe(`http://localhost:${agent.port}`);
      expect(agent.addresses).toContain('127.0.0.1');
      const hosts = ['localhost', ...agent.addresses.map((a) => (a.includes(':') ? `[${a}]` : a))];
      for (const host of hosts) {
        const res = await fetch(`http://${host}:${agent.port}/.well-known/agent-card.json`);
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({
          url: agent.url,
          protocolVersion: '0.3',
          preferredTransport: 'JSONRPC',
          capabilities: { streaming: true },
        });
      }
    });
  });

  describe('stream', () => {
    it('delivers the first chunk while the agent is still parked before the rest', async () => {
      const agent = await agents.start({
        mode: 'stream',
        chunks: ['one ', 'two ', 'three'],
        gapMs: 0,
        pauseAfterFirstChunk: true,
      });
      const stream = a2aClientFor(agent.url).streamMessage('go');
      const next = async () => describeEvent((await stream.next()).value as StreamResponse);

      expect([await next(), await next(), await next()]).toEqual([
        'task:SUBMITTED',
        'statusUpdate:WORKING',
        'artifactUpdate:one ',
      ]);
      await agent.firstChunkSent;
      expect(agent.sseEventsSent).toEqual(['task', 'status-update', 'artifact-update']);

      agent.release();
      const rest: string[] = [];
      for await (const event of stream) rest.push(describeEvent(event));
      expect(rest).toEqual([
        'artifactUpdate:two ',
        'artifactUpdate:three',
        'statusUpdate:COMPLETED:one two three',
      ]);
      expect(agent.sseEventsSent).toHaveLength(6);
      expect(agent.requests.map((r) => (r.body as { method: string }).method)).toEqual([
        'message/stream',
      ]);
    });

    it('streams an echo by default without being released', async () => {
      const agent = await agents.start({ mode: 'stream', gapMs: 0 });

      const events: string[] = [];
      for await (const event of a2aClientFor(agent.url).streamMessage('hey')) {
        events.push(describeEvent(event));
      }

      expect(events).toEqual([
        'task:SUBMITTED',
        'statusUpdate:WORKING',
        'artifactUpdate:echo',
        'artifactUpdate:: ',
        'artifactUpdate:hey',
        'statusUpdate:COMPLETED:echo: hey',
      ]);
    });
  });

  describe('busy', () => {
    it('holds requests until release(), then answers them and later ones at once', async () => {
      const agent = await agents.start({ busy: 'hold' });
      const client = a2aClientFor(agent.url);
      let answered = false;
      const held = client.sendMessage('first').then((reply) => {
        answered = true;
        return reply;
      });

      await agent.waitForRequests(1);
      // A full round trip on an ungated route: an unheld reply would have landed by now.
      await fetch(`${agent.url}/.well-known/agent-card.json`);
      expect(answered).toBe(false);

      agent.release();
      expect(textOf(await held)).toBe('echo: first');
      expect(textOf(await client.sendMessage('second'))).toBe('echo: second');
    });

    it.each([
      ['drop', 'other side closed'],
      ['reset', 'read ECONNRESET'],
    ] as const)(
      'busy: %s fails calls unanswered, then answers after release()',
      async (busy, cause) => {
        const agent = await agents.start({ busy });
        const client = a2aClientFor(agent.url);

        const failure = (await client.sendMessage('dropped').catch((err: unknown) => err)) as Error;
        expect(failure.message).toBe('fetch failed');
        expect((failure.cause as Error).message).toBe(cause);
        expect(agent.requests).toHaveLength(1);

        agent.release();
        expect(textOf(await client.sendMessage('served'))).toBe('echo: served');
      },
    );

    it('close() ends held requests', async () => {
      const agent = await agents.start({ busy: 'hold' });
      const held = a2aClientFor(agent.url).sendMessage('never');
      await agent.waitForRequests(1);

      await agent.close();

      await expect(held).rejects.toThrow('fetch failed');
      await expect(fetch(agent.url)).rejects.toThrow('fetch failed');
    });
  });

  describe('dieMidStream', () => {
    it.each([
      [1, ['task:SUBMITTED']],
      [2, ['task:SUBMITTED', 'statusUpdate:WORKING']],
      [3, ['task:SUBMITTED', 'statusUpdate:WORKING', 'artifactUpdate:partial']],
    ] as const)(
      'cuts the socket after %i event(s) and the client sees an error',
      async (n, seen) => {
        const agent = await agents.start({ mode: 'dieMidStream', eventsBeforeDeath: n });

        const events: string[] = [];
        const consume = async () => {
          for await (const event of a2aClientFor(agent.url).streamMessage('x')) {
            events.push(describeEvent(event));
          }
        };

        await expect(consume()).rejects.toThrow('terminated');
        expect(events).toEqual(seen);
      },
    );
  });

  describe('neverAnswer', () => {
    it('accepts the request and never answers until close()', async () => {
      const agent = await agents.start({ mode: 'neverAnswer' });
      const pending = postJsonRpc(agent, canvasStyleSend);

      const [request] = await agent.waitForRequests(1);
      expect(request.body).toEqual(canvasStyleSend);
      await agent.close();

      await expect(pending).rejects.toThrow('fetch failed');
    });
  });

  describe('raw modes', () => {
    it('answers a status with a JSON body', async () => {
      const agent = await agents.start({ mode: 'status', status: 500, body: { error: 'boom' } });

      const res = await postJsonRpc(agent, canvasStyleSend);

      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await res.text()).toBe('{"error":"boom"}');
      expect(agent.requests[0].body).toEqual(canvasStyleSend);
    });

    it('answers a status with a non-JSON body', async () => {
      const agent = await agents.start({ mode: 'status', status: 503, body: 'agent overloaded' });

      const res = await postJsonRpc(agent, canvasStyleSend);

      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text()).toBe('agent overloaded');
    });

    it('answers 202 {"queued":true} like a platform-fronted agent', async () => {
      const agent = await agents.start({ mode: 'status', status: 202, body: { queued: true } });

      const res = await postJsonRpc(agent, canvasStyleSend);

      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ queued: true });
    });

    it('answers invalid JSON labelled application/json', async () => {
      const agent = await agents.start({ mode: 'invalidJson' });

      const res = await postJsonRpc(agent, canvasStyleSend);

      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const text = await res.text();
      expect(text).toBe(INVALID_JSON_BODY);
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
    });

    it('sends headers and part of the body, then dies', async () => {
      const agent = await agents.start({ mode: 'headersThenDie', status: 200 });

      const res = await postJsonRpc(agent, canvasStyleSend);

      expect(res.status).toBe(200);
      await expect(res.text()).rejects.toThrow('terminated');
    });
  });
});
