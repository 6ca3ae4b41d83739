import { Clock, TimerHandle } from '../clock/clock';
import { FixedWindowLimiter } from './fixed-window-limiter';

class FakeClock extends Clock {
  constructor(private ms = Date.UTC(2026, 0, 1)) {
    super();
  }
  now(): Date {
    return new Date(this.ms);
  }
  setTimeout(): TimerHandle {
    throw new Error('the limiter must not arm timers');
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

describe('FixedWindowLimiter', () => {
  let clock: FakeClock;
  let limiter: FixedWindowLimiter;

  beforeEach(() => {
    clock = new FakeClock();
    limiter = new FixedWindowLimiter(2, 60_000, clock);
  });

  it('allows `limit` requests per window, then blocks until the window resets', () => {
    expect(limiter.take('a')).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 60 });
    clock.advance(20_500);
    expect(limiter.take('a')).toEqual({ allowed: true, limit: 2, remaining: 0, resetSeconds: 40 });
    expect(limiter.take('a')).toEqual({ allowed: false, limit: 2, remaining: 0, resetSeconds: 40 });
    clock.advance(39_499);
    expect(limiter.take('a')).toEqual({ allowed: false, limit: 2, remaining: 0, resetSeconds: 1 });
    clock.advance(1);
    expect(limiter.take('a')).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 60 });
  });

  it('keeps a separate budget per key', () => {
    limiter.take('a');
    limiter.take('a');
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('drops buckets idle for 10 minutes, keeping active ones', () => {
    limiter.take('idle');
    clock.advance(5 * 60_000);
    limiter.take('active');
    clock.advance(5 * 60_000);
    limiter.take('active');
    expect(limiter.size).toBe(1);
  });

  it('does not drop a bucket idle for just under 10 minutes', () => {
    limiter.take('a');
    clock.advance(10 * 60_000 - 1);
    limiter.take('b');
    expect(limiter.size).toBe(2);
  });

  describe('with an hour window', () => {
    const HOUR = 60 * 60_000;
    beforeEach(() => {
      limiter = new FixedWindowLimiter(2, HOUR, clock);
    });

    it('does not refill a quiet key before its window ends', () => {
      limiter.take('a');
      limiter.take('a');
      clock.advance(30 * 60_000);
      limiter.take('b'); // triggers a sweep
      expect(limiter.take('a').allowed).toBe(false);
    });

    it('forgets ended windows', () => {
      limiter.take('a');
      clock.advance(HOUR);
      limiter.take('b');
      expect(limiter.size).toBe(1);
    });
  });
});
