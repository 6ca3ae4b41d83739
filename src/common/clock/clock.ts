/** A cancellable timer handle. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * Time as a port: sweeps, timeouts and schedules read the clock and arm timers through it,
 * so tests advance a fake clock instead of sleeping.
 */
export abstract class Clock {
  abstract now(): Date;
  abstract setTimeout(callback: () => void, ms: number): TimerHandle;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = setTimeout(callback, ms);
    timer.unref?.();
    return { cancel: () => clearTimeout(timer) };
  }
}
