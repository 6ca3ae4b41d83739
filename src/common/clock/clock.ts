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

/** Node fires any longer delay after 1 ms (with a TimeoutOverflowWarning); longer waits chain. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    let timer: NodeJS.Timeout;
    const arm = (remainingMs: number) => {
      const delay = Math.min(remainingMs, MAX_TIMER_DELAY_MS);
      timer = setTimeout(
        () => (remainingMs > delay ? arm(remainingMs - delay) : callback()),
        delay,
      );
      timer.unref?.();
    };
    arm(ms);
    return { cancel: () => clearTimeout(timer) };
  }
}
