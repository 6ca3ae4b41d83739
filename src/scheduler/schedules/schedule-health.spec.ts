import { classifyHealth, staleThresholdSeconds } from './schedule-health';

const NOW = new Date('2026-04-01T12:02:00.000Z'); // a Wednesday

describe('staleThresholdSeconds', () => {
  it.each([
    ['*/5 * * * *', 600],
    ['0 * * * *', 7200],
    ['0 9 * * *', 172_800],
    ['*/30 * * * *', 3600],
  ])('%p → %p s (the reference pins)', (cron, seconds) => {
    expect(staleThresholdSeconds(cron, 'UTC', NOW)).toBe(seconds);
  });

  it('measures the gap actually ahead: a weekday cron on a Friday spans the weekend', () => {
    const friday = new Date('2026-04-03T10:00:00.000Z');
    // Next runs: Monday 09:00, Tuesday 09:00 → one day; from Friday 08:00: Friday, Monday.
    expect(staleThresholdSeconds('0 9 * * 1-5', 'UTC', friday)).toBe(2 * 86_400);
    expect(staleThresholdSeconds('0 9 * * 1-5', 'UTC', new Date('2026-04-03T08:00:00Z'))).toBe(
      2 * 3 * 86_400,
    );
  });

  it('throws on an invalid expression or zone', () => {
    expect(() => staleThresholdSeconds('nope', 'UTC', NOW)).toThrow('invalid cron expression');
    expect(() => staleThresholdSeconds('* * * * *', 'Not/AZone', NOW)).toThrow('invalid timezone');
  });
});

describe('classifyHealth', () => {
  const minutesAgo = (n: number) => new Date(NOW.getTime() - n * 60_000);
  it('never_run, stale, ok; a zero threshold is never stale', () => {
    expect(classifyHealth(null, 600, NOW)).toBe('never_run');
    expect(classifyHealth(minutesAgo(11), 600, NOW)).toBe('stale');
    expect(classifyHealth(minutesAgo(4), 600, NOW)).toBe('ok');
    expect(classifyHealth(minutesAgo(60 * 24 * 365), 0, NOW)).toBe('ok');
  });
});
