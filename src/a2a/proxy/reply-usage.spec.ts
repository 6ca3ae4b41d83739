import { MAX_REPORTED_TOKENS, usageOf } from './reply-usage';

/** The reference's `workspace_metrics_test.go` usage-extraction cases, and the clamping. */
describe('usageOf', () => {
  it('reads result.usage of a JSON-RPC reply', () => {
    const reply = {
      jsonrpc: '2.0',
      id: '1',
      result: { usage: { input_tokens: 12, output_tokens: 34 } },
    };
    expect(usageOf(reply)).toEqual({ inputTokens: 12, outputTokens: 34 });
  });

  it('reads a top-level usage', () => {
    expect(usageOf({ usage: { input_tokens: 5, output_tokens: 0 } })).toEqual({
      inputTokens: 5,
      outputTokens: 0,
    });
  });

  it('prefers result.usage over a top-level usage', () => {
    const reply = {
      result: { usage: { input_tokens: 1, output_tokens: 2 } },
      usage: { input_tokens: 100, output_tokens: 200 },
    };
    expect(usageOf(reply)).toEqual({ inputTokens: 1, outputTokens: 2 });
  });

  it.each([
    ['no usage field', { result: { parts: [] } }],
    ['zero tokens', { result: { usage: { input_tokens: 0, output_tokens: 0 } } }],
    ['an empty body', null],
    ['something not an object', 'INVALID_JSON_BODY'],
    ['an array', [{ usage: { input_tokens: 1 } }]],
    ['usage that is not an object', { usage: 42 }],
  ])('%s → none', (_what, reply) => {
    expect(usageOf(reply)).toBeUndefined();
  });

  it('clamps each count to 0…10,000,000 and reads non-numbers as 0', () => {
    expect(usageOf({ usage: { input_tokens: 1e12, output_tokens: -40 } })).toEqual({
      inputTokens: MAX_REPORTED_TOKENS,
      outputTokens: 0,
    });
    expect(usageOf({ usage: { input_tokens: '900', output_tokens: 7.9 } })).toEqual({
      inputTokens: 0,
      outputTokens: 7,
    });
    expect(usageOf({ usage: { input_tokens: -1, output_tokens: 'x' } })).toBeUndefined();
  });
});
