import { Clock } from '../../common/clock/clock';

export interface WindowDecision {
  readonly allowed: boolean;
  /** Whole seconds until the key's window resets (rounded up). */
  readonly resetSeconds: number;
}

interface Window {
  remaining: number;
  resetAtMs: number;
}

/**
 * A fixed-window budget per key for long windows (an hour). A key's window is forgotten only
 * once it has expired, never merely because the key went quiet, so waiting does not refill
 * the budget early. Expired windows are swept at most once a minute, piggybacking on calls.
 */
export class WindowLimiter {
  private readonly windows = new Map<string, Window>();
  private nextSweepMs = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  take(key: string): WindowDecision {
    const now = this.clock.now().getTime();
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || now >= window.resetAtMs) {
      window = { remaining: this.limit, resetAtMs: now + this.windowMs };
      this.windows.set(key, window);
    }
    const allowed = window.remaining > 0;
    if (allowed) window.remaining--;
    return { allowed, resetSeconds: Math.ceil((window.resetAtMs - now) / 1000) };
  }

  /** Number of tracked keys (for tests). */
  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number): void {
    if (now < this.nextSweepMs) return;
    this.nextSweepMs = now + 60_000;
    for (const [key, window] of this.windows) if (now >= window.resetAtMs) this.windows.delete(key);
  }
}
