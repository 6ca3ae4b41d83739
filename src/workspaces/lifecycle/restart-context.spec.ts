import { humanDuration, restartContextRequest, restartContextText } from './restart-context';

describe('humanDuration', () => {
  it.each([
    [0, '0s'],
    [-5000, '0s'],
    [45_000, '45s'],
    [45_400, '45s'],
    [3 * 60_000, '3m0s'],
    [(2 * 60 + 14) * 60_000, '2h14m'],
    [25 * 3_600_000, '25h0m'],
  ])('%d ms → %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('restart context (spec 04 §5.4)', () => {
  const restartAt = new Date('2026-04-29T10:00:00.123Z');

  it('says when there was no prior session and no env vars', () => {
    expect(restartContextText({ restartAt, previousSessionEndedAt: null, envKeys: [] })).toBe(
      [
        '=== WORKSPACE RESTART CONTEXT ===',
        'Restart at: 2026-04-29T10:00:00Z',
        'Previous session ended: (no prior session on record)',
        'Env vars now available: (none)',
        '=== END RESTART CONTEXT ===',
        '',
      ].join('\n'),
    );
  });

  it('gives the previous session with its delta and the key names only', () => {
    const text = restartContextText({
      restartAt,
      previousSessionEndedAt: new Date('2026-04-29T07:46:00Z'),
      envKeys: ['ANTHROPIC_API_KEY', 'GITHUB_TOKEN'],
    });
    expect(text.split('\n').slice(2, 4)).toEqual([
      'Previous session ended: 2026-04-29T07:46:00Z (2h14m ago)',
      'Env vars now available: ANTHROPIC_API_KEY, GITHUB_TOKEN',
    ]);
  });

  it('is sent as a JSON-RPC message/send from the platform', () => {
    const request = restartContextRequest({ restartAt, previousSessionEndedAt: null, envKeys: [] });
    expect(request).toEqual({
      jsonrpc: '2.0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      method: 'message/send',
      params: {
        message: {
          messageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          role: 'user',
          parts: [{ kind: 'text', text: expect.stringContaining('RESTART CONTEXT') }],
          metadata: {
            source: 'platform',
            kind: 'restart_context',
            layer: 1,
            restart_context: true,
          },
        },
      },
    });
  });
});
