import {
  CAPACITY_RECHECK_MS,
  CAPACITY_WAIT_MS,
  decideClaim,
  decideOrphan,
  DueRow,
  OrphanedFire,
} from './claim-decision';

const NOW = new Date('2026-04-01T12:00:30.000Z');
const row = (fields: Partial<DueRow> = {}): DueRow => ({
  id: 's-1',
  workspaceId: 'ws-1',
  name: 'n',
  cronExpr: '*/5 * * * *',
  timezone: 'UTC',
  prompt: 'p',
  dueAt: new Date('2026-04-01T12:00:00.000Z'),
  deferredSince: null,
  activeTasks: 0,
  maxConcurrentTasks: 1,
  nativeScheduler: false,
  ...fields,
});

describe('decideClaim', () => {
  it('fires a schedule of a workspace with spare capacity; next run from now', () => {
    expect(decideClaim(row(), NOW)).toEqual({
      kind: 'fire',
      row: row(),
      nextRunAt: new Date('2026-04-01T12:05:00.000Z'),
      messageId: expect.stringMatching(/^cron-s-1-[0-9a-f]{8}$/),
    });
  });

  it('only moves next_run_at for a workspace whose runtime schedules natively', () => {
    // Even at capacity: the platform does not fire it at all.
    expect(decideClaim(row({ nativeScheduler: true, activeTasks: 5 }), NOW)).toMatchObject({
      kind: 'native',
      nextRunAt: new Date('2026-04-01T12:05:00.000Z'),
    });
  });

  it('defers a workspace at capacity for 10 s at a time, counting from the first look', () => {
    expect(decideClaim(row({ activeTasks: 1 }), NOW)).toEqual({
      kind: 'defer',
      row: row({ activeTasks: 1 }),
      nextRunAt: new Date(NOW.getTime() + CAPACITY_RECHECK_MS),
      deferredSince: NOW,
    });
    const since = new Date(NOW.getTime() - CAPACITY_WAIT_MS + 1);
    expect(
      decideClaim(row({ activeTasks: 3, maxConcurrentTasks: 3, deferredSince: since }), NOW),
    ).toMatchObject({ kind: 'defer', deferredSince: since });
  });

  it('skips once the workspace stayed at capacity for two minutes', () => {
    const since = new Date(NOW.getTime() - CAPACITY_WAIT_MS);
    expect(decideClaim(row({ activeTasks: 1, deferredSince: since }), NOW)).toMatchObject({
      kind: 'skip',
      nextRunAt: new Date('2026-04-01T12:05:00.000Z'),
    });
  });

  it('fires a deferred schedule as soon as capacity frees up', () => {
    const since = new Date(NOW.getTime() - 30_000);
    expect(decideClaim(row({ deferredSince: since }), NOW).kind).toBe('fire');
  });

  it('an expression that no longer computes still fires once and then rests (next run null)', () => {
    expect(decideClaim(row({ cronExpr: 'garbage' }), NOW)).toMatchObject({
      kind: 'fire',
      nextRunAt: null,
    });
  });
});

describe('decideOrphan', () => {
  const fire = (fields: Partial<OrphanedFire>): OrphanedFire => ({
    ...row(),
    messageId: 'cron-s-1-00000000',
    sent: false,
    wanted: true,
    ...fields,
  });

  it('sends a fire whose message never left, once, with its message id', () => {
    expect(decideOrphan(fire({}))).toEqual({ kind: 'resume', fire: fire({}) });
  });

  it('never sends again a fire whose message left: it is recorded as interrupted', () => {
    expect(decideOrphan(fire({ sent: true })).kind).toBe('interrupted');
    expect(decideOrphan(fire({ sent: true, wanted: false })).kind).toBe('interrupted');
  });

  it('lets go of a fire that never left and is no longer wanted', () => {
    expect(decideOrphan(fire({ wanted: false })).kind).toBe('release');
  });
});
