import { computeNextRun, ScheduleSpecError } from './next-run';

const at = (iso: string) => new Date(iso);
const next = (expr: string, tz: string, after: string) =>
  computeNextRun(expr, tz, at(after)).toISOString();

/** The next `count` firing times after `after`, each strictly after the previous one. */
function runs(expr: string, tz: string, after: string, count: number): string[] {
  const out: string[] = [];
  let cursor = at(after);
  for (let i = 0; i < count; i++) {
    cursor = computeNextRun(expr, tz, cursor);
    out.push(cursor.toISOString());
  }
  return out;
}

function failure(expr: string, tz = 'UTC'): ScheduleSpecError {
  try {
    computeNextRun(expr, tz, at('2026-01-01T00:00:00Z'));
  } catch (err) {
    if (err instanceof ScheduleSpecError) return err;
    throw err;
  }
  throw new Error(`"${expr}" was accepted`);
}

describe('computeNextRun', () => {
  describe('the reference pins', () => {
    it('0 * * * * from 12:30 UTC is the next full hour', () => {
      expect(next('0 * * * *', 'UTC', '2026-04-01T12:30:00Z')).toBe('2026-04-01T13:00:00.000Z');
    });

    it('refuses not-a-cron', () => {
      const err = failure('not-a-cron');
      expect(err.kind).toBe('cron');
      expect(err.message).toMatch(/^invalid cron expression "not-a-cron": /);
    });

    it('refuses an unknown time zone instead of falling back to UTC', () => {
      const err = failure('0 * * * *', 'Not/AZone');
      expect(err.kind).toBe('timezone');
      expect(err.message).toBe('invalid timezone "Not/AZone": unknown time zone Not/AZone');
    });
  });

  it('is strictly after `after`, even on a matching instant', () => {
    expect(next('0 12 * * *', 'UTC', '2026-04-01T12:00:00Z')).toBe('2026-04-02T12:00:00.000Z');
    expect(next('* * * * *', 'UTC', '2026-04-01T12:00:00.500Z')).toBe('2026-04-01T12:01:00.000Z');
  });

  describe('time zones', () => {
    it('matches the wall clock of the zone and answers in UTC', () => {
      // 09:00 in New York is 14:00 UTC in winter (EST) and 13:00 UTC in summer (EDT).
      expect(next('0 9 * * *', 'America/New_York', '2026-01-10T00:00:00Z')).toBe(
        '2026-01-10T14:00:00.000Z',
      );
      expect(next('0 9 * * *', 'America/New_York', '2026-07-10T00:00:00Z')).toBe(
        '2026-07-10T13:00:00.000Z',
      );
      expect(next('30 9 * * *', 'Asia/Kolkata', '2026-01-10T00:00:00Z')).toBe(
        '2026-01-10T04:00:00.000Z',
      );
    });

    it('reads "" and "UTC" as UTC', () => {
      expect(next('0 9 * * *', '', '2026-01-10T00:00:00Z')).toBe('2026-01-10T09:00:00.000Z');
      expect(next('0 9 * * *', 'UTC', '2026-01-10T00:00:00Z')).toBe('2026-01-10T09:00:00.000Z');
    });

    it('accepts "Local" (the server zone) and IANA aliases', () => {
      expect(() => computeNextRun('0 9 * * *', 'Local', new Date())).not.toThrow();
      expect(next('0 9 * * *', 'US/Eastern', '2026-01-10T00:00:00Z')).toBe(
        '2026-01-10T14:00:00.000Z',
      );
    });

    it.each(['america/new_york', 'utc', '+01:00', 'Europe/Nowhere', 'UTC ', '../etc/passwd'])(
      'refuses %p as Go does (names are case-sensitive files)',
      (tz) => {
        expect(failure('0 9 * * *', tz).kind).toBe('timezone');
      },
    );

    it('lets a TZ= / CRON_TZ= prefix override the schedule zone', () => {
      expect(next('TZ=Asia/Tokyo 0 9 * * *', 'UTC', '2026-01-10T01:00:00Z')).toBe(
        '2026-01-11T00:00:00.000Z',
      );
      expect(next('CRON_TZ=Asia/Tokyo 0 9 * * *', 'America/New_York', '2026-01-10T01:00:00Z')).toBe(
        '2026-01-11T00:00:00.000Z',
      );
    });

    it('refuses a prefix without an expression (the reference panicked) or with a bad zone', () => {
      expect(failure('TZ=UTC').kind).toBe('cron');
      expect(failure('TZ=Not/AZone 0 9 * * *').message).toContain(
        'provided bad location Not/AZone',
      );
    });
  });

  describe('daylight saving time: every slot fires once', () => {
    // New York: 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST.
    it('a fixed time inside the spring-forward gap fires once, right after the gap', () => {
      expect(runs('30 2 * * *', 'America/New_York', '2026-03-07T12:00:00Z', 3)).toEqual([
        '2026-03-08T07:00:00.000Z', // 03:00 EDT: 02:30 does not exist that day
        '2026-03-09T06:30:00.000Z', // 02:30 EDT
        '2026-03-10T06:30:00.000Z',
      ]);
    });

    it('a fixed time in the repeated fall-back hour fires once, on its first occurrence', () => {
      expect(runs('30 1 * * *', 'America/New_York', '2026-10-31T12:00:00Z', 3)).toEqual([
        '2026-11-01T05:30:00.000Z', // 01:30 EDT; 01:30 EST an hour later does not fire
        '2026-11-02T06:30:00.000Z',
        '2026-11-03T06:30:00.000Z',
      ]);
    });

    it('a list of fixed times still fires once per slot in the repeated hour', () => {
      expect(runs('30 1,13 * * *', 'America/New_York', '2026-10-31T20:00:00Z', 3)).toEqual([
        '2026-11-01T05:30:00.000Z',
        '2026-11-01T18:30:00.000Z',
        '2026-11-02T06:30:00.000Z',
      ]);
    });

    it('an interval job keeps its real-time spacing through both transitions', () => {
      expect(runs('*/30 * * * *', 'America/New_York', '2026-11-01T04:00:00Z', 5)).toEqual([
        '2026-11-01T04:30:00.000Z', // 00:30 EDT
        '2026-11-01T05:00:00.000Z', // 01:00 EDT
        '2026-11-01T05:30:00.000Z', // 01:30 EDT
        '2026-11-01T06:00:00.000Z', // 01:00 EST
        '2026-11-01T06:30:00.000Z', // 01:30 EST
      ]);
      expect(runs('0 * * * *', 'America/New_York', '2026-03-08T05:30:00Z', 3)).toEqual([
        '2026-03-08T06:00:00.000Z', // 01:00 EST
        '2026-03-08T07:00:00.000Z', // 03:00 EDT (02:00 does not exist)
        '2026-03-08T08:00:00.000Z',
      ]);
    });

    it('times are strictly increasing across a whole year of transitions', () => {
      for (const tz of ['America/New_York', 'Europe/Berlin', 'Australia/Sydney']) {
        const times = runs('15 2 * * *', tz, '2026-01-01T00:00:00Z', 366).map((t) => Date.parse(t));
        // One fire per local day, none skipped, none doubled: 23 to 25 hours apart.
        const gaps = times.slice(1).map((t, i) => (t - times[i]) / 3_600_000);
        expect(gaps.filter((h) => h < 23 || h > 25)).toEqual([]);
      }
    });
  });

  describe('field semantics of the dialect', () => {
    it('day of month OR day of week when neither is *', () => {
      // 2026-01-02 is a Friday: the 1st has passed, the next Monday is the 5th.
      expect(runs('0 9 1,15 * mon', 'UTC', '2026-01-02T00:00:00Z', 3)).toEqual([
        '2026-01-05T09:00:00.000Z',
        '2026-01-12T09:00:00.000Z',
        '2026-01-15T09:00:00.000Z',
      ]);
    });

    it('a * day field (also ?, */1) restricts by the other field only', () => {
      for (const dom of ['*', '?', '*/1']) {
        expect(next(`0 9 ${dom} * 1`, 'UTC', '2026-01-02T00:00:00Z')).toBe(
          '2026-01-05T09:00:00.000Z',
        );
      }
    });

    it('N/step runs from N to the maximum', () => {
      expect(runs('5/20 * * * *', 'UTC', '2026-01-01T00:00:00Z', 4)).toEqual([
        '2026-01-01T00:05:00.000Z',
        '2026-01-01T00:25:00.000Z',
        '2026-01-01T00:45:00.000Z',
        '2026-01-01T01:05:00.000Z',
      ]);
    });

    it('reads month and weekday names in any case, ranges and steps', () => {
      expect(next('0 0 1 JAN-mar/2 *', 'UTC', '2026-01-02T00:00:00Z')).toBe(
        '2026-03-01T00:00:00.000Z',
      );
      expect(next('0 9 * * SAT,sun', 'UTC', '2026-01-05T00:00:00Z')).toBe(
        '2026-01-10T09:00:00.000Z',
      );
      expect(runs('0 0 * * */2', 'UTC', '2026-01-02T12:00:00Z', 3)).toEqual([
        '2026-01-03T00:00:00.000Z', // Saturday (6)
        '2026-01-04T00:00:00.000Z', // Sunday (0)
        '2026-01-06T00:00:00.000Z', // Tuesday (2)
      ]);
    });

    it('a step wider than its range matches the start only', () => {
      expect(runs('*/100 * * * *', 'UTC', '2026-01-01T00:00:00Z', 2)).toEqual([
        '2026-01-01T01:00:00.000Z',
        '2026-01-01T02:00:00.000Z',
      ]);
    });

    it('leap days', () => {
      expect(next('0 0 29 2 *', 'UTC', '2026-01-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    });
  });

  describe('refusals (even where croner would accept)', () => {
    it.each([
      ['@hourly', 'parser does not accept descriptors: @hourly'],
      ['@every 1h', 'parser does not accept descriptors'],
      ['0 0 * * * *', 'expected exactly 5 fields, found 6: [0 0 * * * *]'],
      ['0 0 * * * * 2026', 'expected exactly 5 fields, found 7'],
      ['0 * * *', 'expected exactly 5 fields, found 4'],
      ['', 'empty spec string'],
      ['0 9 * * 7', 'end of range (7) above maximum (6)'],
      ['60 * * * *', 'end of range (60) above maximum (59)'],
      ['0 24 * * *', 'end of range (24) above maximum (23)'],
      ['0 0 0 * *', 'beginning of range (0) below minimum (1)'],
      ['0 0 32 * *', 'above maximum (31)'],
      ['0 0 * 13 *', 'above maximum (12)'],
      ['0 0 * 0 *', 'below minimum (1)'],
      ['10-5 * * * *', 'beginning of range (10) beyond end of range (5)'],
      ['*/0 * * * *', 'step of range should be a positive number'],
      ['1-2-3 * * * *', 'too many hyphens'],
      ['*/2/3 * * * *', 'too many slashes'],
      ['-1 * * * *', 'failed to parse int from '],
      ['*/-1 * * * *', 'negative number (-1) not allowed'],
      ['0 0 L * *', 'failed to parse int from L'],
      ['0 0 15W * *', 'failed to parse int from 15W'],
      ['0 0 * * 5#2', 'failed to parse int from 5#2'],
      ['0 0 * * +MON', 'failed to parse int from +MON'],
      ['0 0 * * FRIL', 'failed to parse int from FRIL'],
      ['jan * * * *', 'failed to parse int from jan'],
      ['0 0 1,,2 * *', 'failed to parse int from '],
      ['0 0 31 2 *', 'never matches any date'],
    ])('%p', (expr, cause) => {
      const err = failure(expr);
      expect(err.kind).toBe('cron');
      expect(err.message).toContain(`invalid cron expression "${expr}": `);
      expect(err.message).toContain(cause);
    });
  });
});
