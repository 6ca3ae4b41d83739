import { Clock } from '../clock/clock';

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Whole seconds until the window resets (rounded up, so never 0 while blocked). */
  readonly resetSeconds: number;
}

interface Bucket {
  remaining: number;
  resetAtMs: number;
  lastSeenMs: number;
}

const IDLE_BUCKET_MS = 10 * 60_000;
const SWEEP_INTERVAL_MS = 60_000;

/**
 * A fixed-window request budget per key, for minute and hour windows alike. A bucket is dropped
 * once its window has ended and it has been idle for 10 minutes — never merely because the key
 * went quiet, so waiting does not refill a long window early. The sweep piggybacks on requests
 * (at most once a minute), so the limiter owns no timer that could outlive the app.
 */
export class FixedWindowLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private nextSweepMs: number;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: Clock,
  ) {
    this.nextSweepMs = clock.now().getTime() + SWEEP_INTERVAL_MS;
  }

  /** Spends one request from `key`'s budget, if any is left. */
  take(key: string): RateLimitDecision {
    const now = this.clock.now().getTime();
    this.sweep(now);
    let bucket = this.buckets.get(key);
    if (!bucket || now >= bucket.resetAtMs) {
      bucket = { remaining: this.limit, resetAtMs: now + this.windowMs, lastSeenMs: now };
      this.buckets.set(key, bucket);
    }
    bucket.lastSeenMs = now;
    const allowed = bucket.remaining > 0;
    if (allowed) bucket.remaining--;
    const resetSeconds = Math.ceil((bucket.resetAtMs - now) / 1000);
    return { allowed, limit: this.limit, remaining: bucket.remaining, resetSeconds };
  }

  /** Number of tracked keys (for tests and diagnostics). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    if (now < this.nextSweepMs) return;
    this.nextSweepMs = now + SWEEP_INTERVAL_MS;
    for (const [key, bucket] of this.buckets) {
      if (now >= bucket.resetAtMs && now - bucket.lastSeenMs >= IDLE_BUCKET_MS)
        this.buckets.delete(key);
    }
  }
}
