import { Clock, TimerHandle } from '../../common/clock/clock';
import { WindowLimiter } from './window-limiter';

class ManualClock extends Clock {
  ms = Date.UTC(2026, 0, 1);
  now(): Date {
    return new Date(this.ms);
  }
  setTimeout(): TimerHandle {
    throw new Error('the limiter must not arm timers');
  }
}

const HOUR = 60 * 60_000;

describe('WindowLimiter', () => {
  let clock: ManualClock;
  let limiter: WindowLimiter;

  beforeEach(() => {
    clock = new ManualClock();
    limiter = new WindowLimiter(2, HOUR, clock);
  });

  it('allows `limit` calls per window and reports the seconds left', () => {
    expect(limiter.take('a')).toEqual({ allowed: true, resetSeconds: 3600 });
    clock.ms += 1_500;
    expect(limiter.take('a')).toEqual({ allowed: true, resetSeconds: 3599 });
    expect(limiter.take('a')).toEqual({ allowed: false, resetSeconds: 3599 });
    clock.ms = Date.UTC(2026, 0, 1) + HOUR;
    expect(limiter.take('a')).toEqual({ allowed: true, resetSeconds: 3600 });
  });

  it('does not refill a quiet key before its window ends', () => {
    limiter.take('a');
    limiter.take('a');
    clock.ms += 30 * 60_000;
    limiter.take('b'); // triggers a sweep
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('forgets expired windows', () => {
    limiter.take('a');
    clock.ms += HOUR;
    limiter.take('b');
    expect(limiter.size).toBe(1);
  });
});
