import { identifyCaller, isSystemCaller } from './caller';

const TARGET = '6f1c7e55-1111-4aaa-8bbb-000000000001';
const OTHER = '6f1c7e55-1111-4aaa-8bbb-000000000002';

describe('identifyCaller', () => {
  it('no header (or blank) is the canvas', () => {
    expect(identifyCaller(undefined, TARGET)).toEqual({ kind: 'canvas' });
    expect(identifyCaller('   ', TARGET)).toEqual({ kind: 'canvas' });
  });

  it('the target itself, in any UUID spelling, is a self call', () => {
    expect(identifyCaller(TARGET.toUpperCase(), TARGET)).toEqual({ kind: 'self', id: TARGET });
    expect(identifyCaller(`{${TARGET}}`, TARGET)).toEqual({ kind: 'self', id: TARGET });
  });

  it('another workspace is an agent caller', () => {
    expect(identifyCaller(OTHER, TARGET)).toEqual({ kind: 'agent', id: OTHER });
  });

  it.each(['system:x', 'webhook:github', 'test:1', 'channel:slack', 'ws-uuid-123', 'foo:bar'])(
    '%p is forged',
    (h) => {
      expect(identifyCaller(h, TARGET)).toEqual({ kind: 'forged' });
    },
  );
});

describe('isSystemCaller', () => {
  it.each([
    ['webhook:github', true],
    ['system:restart-context', true],
    ['test:x', true],
    ['channel:slack', true],
    ['ws-uuid-123', false],
    ['', false],
    ['webhook', false],
    ['foo:bar', false],
  ])('%p → %p', (id, expected) => expect(isSystemCaller(id)).toBe(expected));
});
