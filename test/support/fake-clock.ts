import { Clock, TimerHandle } from '../../src/common/clock/clock';

/** A clock that only moves when told to; timers fire as `advance()` passes their deadline. */
export class FakeClock extends Clock {
  private current: number;
  private timers: { at: number; callback: () => void; cancelled: boolean }[] = [];

  constructor(start: Date = new Date()) {
    super();
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { at: this.current + ms, callback, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  /** Timers set and neither fired nor cancelled (a test can check nothing was left armed). */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= target)
        .sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.current = due.at;
      due.cancelled = true;
      due.callback();
    }
    this.current = target;
    this.timers = this.timers.filter((t) => !t.cancelled);
  }
}
