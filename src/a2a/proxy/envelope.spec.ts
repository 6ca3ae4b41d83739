import {
  delegationIdOf,
  messageIdOf,
  normalizeEnvelope,
  responseText,
  toolTraceOf,
} from './envelope';

const ids = () => {
  let n = 0;
  return () => `id-${++n}`;
};

describe('normalizeEnvelope', () => {
  it('wraps a bare body into exactly jsonrpc/id/method/params and adds a messageId', () => {
    const out = normalizeEnvelope(
      { method: 'message/send', params: { message: { role: 'user' } }, id: 'dropped', extra: 1 },
      ids(),
    );
    expect(out).toEqual({
      ok: true,
      method: 'message/send',
      request: {
        jsonrpc: '2.0',
        id: 'id-1',
        method: 'message/send',
        params: { message: { role: 'user', messageId: 'id-2' } },
      },
    });
  });

  it('keeps a body with jsonrpc verbatim, including its id', () => {
    const body = { jsonrpc: '2.0', id: 7, method: 'tasks/list', params: {} };
    expect(normalizeEnvelope(body, ids())).toEqual({
      ok: true,
      method: 'tasks/list',
      request: body,
    });
  });

  it('keeps an existing messageId key even when it is empty or null', () => {
    for (const messageId of ['m-1', '', null]) {
      const out = normalizeEnvelope({ jsonrpc: '2.0', params: { message: { messageId } } }, ids());
      expect(out.ok && (out.request.params as any).message.messageId).toBe(messageId);
    }
  });

  it('treats null as {} and reports a missing method as empty', () => {
    expect(normalizeEnvelope(null, ids())).toEqual({
      ok: true,
      method: '',
      request: { jsonrpc: '2.0', id: 'id-1', method: null, params: null },
    });
  });

  it.each([[[]], ['text'], [42], [undefined]])('refuses %p', (body) => {
    expect(normalizeEnvelope(body, ids())).toEqual({ ok: false });
  });
});

describe('extractors', () => {
  const body = { params: { message: { messageId: 'm-9', metadata: { delegation_id: 'd-1' } } } };

  it('reads the idempotency key and the delegation id', () => {
    expect(messageIdOf(body)).toBe('m-9');
    expect(delegationIdOf(body)).toBe('d-1');
    for (const bad of [{}, { params: {} }, { params: { message: { messageId: 5 } } }, null, 'x']) {
      expect(messageIdOf(bad)).toBe('');
      expect(delegationIdOf(bad)).toBe('');
    }
  });

  it('lifts a non-empty tool trace only', () => {
    expect(toolTraceOf({ result: { metadata: { tool_trace: [{ tool: 't' }] } } })).toEqual([
      { tool: 't' },
    ]);
    expect(toolTraceOf({ result: { metadata: { tool_trace: [] } } })).toBeUndefined();
    expect(toolTraceOf({ result: 'x' })).toBeUndefined();
  });

  it('finds the reply text in parts, then artifacts, else returns the raw body', () => {
    expect(
      responseText(
        JSON.stringify({ result: { parts: [{ kind: 'data' }, { kind: 'text', text: 'a' }] } }),
      ),
    ).toBe('a');
    expect(
      responseText(
        JSON.stringify({ result: { artifacts: [{ parts: [{ kind: 'text', text: 'b' }] }] } }),
      ),
    ).toBe('b');
    for (const raw of [
      'not json',
      JSON.stringify({ result: 'plain' }),
      JSON.stringify({ error: {} }),
      JSON.stringify({ result: { parts: [] } }),
    ]) {
      expect(responseText(raw)).toBe(raw);
    }
  });
});
