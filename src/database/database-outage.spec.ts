import { DatabaseOutage, DatabaseUnreachable, isDatabaseUnreachable } from './database-outage';

describe('isDatabaseUnreachable', () => {
  it.each([
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    ['a reset socket', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    [
      'an administrator shutdown (57P01)',
      Object.assign(new Error('terminating'), { code: '57P01' }),
    ],
    ['a server starting up (57P03)', Object.assign(new Error('starting up'), { code: '57P03' })],
    ['a connection failure (08006)', Object.assign(new Error('x'), { code: '08006' })],
    ['no connection slots (53300)', Object.assign(new Error('x'), { code: '53300' })],
    ['a dead connection', new Error('Connection terminated unexpectedly')],
    ['a connect that timed out', new Error('timeout exceeded when trying to connect')],
    ['a statement that never got its answer', new Error('Query read timeout')],
    ['a request that already met the outage', new DatabaseUnreachable()],
  ])('%s: yes', (_, err) => {
    expect(isDatabaseUnreachable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['bad input', Object.assign(new Error('invalid input syntax'), { code: '22P02' })],
    ['a missing table', Object.assign(new Error('relation does not exist'), { code: '42P01' })],
    ['a plain error', new Error('boom')],
    ['not an error', 'Connection terminated'],
    ['nothing', undefined],
  ])('%s: no', (_, err) => {
    expect(isDatabaseUnreachable(err)).toBe(false);
  });
});

describe('DatabaseOutage', () => {
  const outage = Object.assign(new Error('x'), { code: 'ECONNREFUSED' });

  it('remembers an outage for the request that met it, and only that one', async () => {
    const seen = await Promise.all([
      DatabaseOutage.scope(async () => {
        await Promise.resolve();
        DatabaseOutage.note(outage);
        return DatabaseOutage.seenInThisRequest();
      }),
      DatabaseOutage.scope(async () => {
        await new Promise((r) => setImmediate(r));
        return DatabaseOutage.seenInThisRequest();
      }),
    ]);
    expect(seen).toEqual([true, false]);
  });

  it('ignores statements the database refused, and work outside any request', () => {
    DatabaseOutage.note(outage);
    expect(DatabaseOutage.seenInThisRequest()).toBe(false);
    DatabaseOutage.scope(() => {
      DatabaseOutage.note(Object.assign(new Error('dup'), { code: '23505' }));
      expect(DatabaseOutage.seenInThisRequest()).toBe(false);
      expect(() => DatabaseOutage.failFast()).not.toThrow();
    });
  });

  it('fails the request fast after an outage, until it is answered', () => {
    DatabaseOutage.scope((answered) => {
      expect(() => DatabaseOutage.failFast()).not.toThrow();
      DatabaseOutage.note(outage);
      expect(() => DatabaseOutage.failFast()).toThrow(DatabaseUnreachable);
      answered();
      // Work the request left behind (timers, detached writes) tries the database again.
      expect(() => DatabaseOutage.failFast()).not.toThrow();
      expect(DatabaseOutage.seenInThisRequest()).toBe(true);
    });
  });
});
