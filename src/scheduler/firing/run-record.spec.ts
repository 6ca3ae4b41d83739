import { firedRecord, storable } from './run-record';

const schedule = {
  id: 'a1b2c3d4-0000-4000-8000-000000000000',
  workspaceId: 'ws',
  name: 'nightly',
  cronExpr: '0 3 * * *',
  timezone: 'UTC',
  prompt: 'p',
};
const fields = {
  at: new Date(0),
  status: 'ok' as const,
  error: '',
  nextRunAt: null,
  resetEmptyRuns: true,
  owner: 'replica-1',
};

describe('firedRecord', () => {
  it('keeps the history prompt within 200 bytes without splitting a character', () => {
    const short = firedRecord({ ...schedule, prompt: 'é'.repeat(100) }, fields);
    expect(short.requestBody.prompt).toBe('é'.repeat(100)); // exactly 200 bytes: kept whole
    const long = firedRecord({ ...schedule, prompt: 'é'.repeat(101) }, fields);
    const cut = String(long.requestBody.prompt);
    expect(cut).toBe('é'.repeat(98) + '...');
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(200);
    const emoji = String(
      firedRecord({ ...schedule, prompt: '🙂'.repeat(60) }, fields).requestBody.prompt,
    );
    expect(emoji).toBe('🙂'.repeat(49) + '...');
  });

  it('makes agent error texts storable and bounded', () => {
    const record = firedRecord(schedule, {
      ...fields,
      status: 'error',
      error: `bad\u0000\ud800${'x'.repeat(10_000)}`,
    });
    expect(record.error.startsWith('bad\ufffd\ufffd')).toBe(true);
    expect(Buffer.byteLength(record.error)).toBeLessThanOrEqual(4096);
    expect(record.summary).toBe('Cron: nightly');
  });
});

describe('storable', () => {
  it('leaves valid text alone and replaces NUL and unpaired surrogates', () => {
    expect(storable('plain 🙂 text')).toBe('plain 🙂 text');
    expect(storable('a\u0000b\udc00c\ud83d')).toBe('a\ufffdb\ufffdc\ufffd');
  });
});
