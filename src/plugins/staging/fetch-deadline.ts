import { Clock } from '../../common/clock/clock';

export interface Deadline {
  readonly signal: AbortSignal;
  /** Disarms the timer once the guarded work is over. */
  clear(): void;
}

/** A signal that aborts (as a `TimeoutError`) after `ms` on `clock`. */
export function deadlineAfter(clock: Clock, ms: number): Deadline {
  const controller = new AbortController();
  const timer = clock.setTimeout(
    () => controller.abort(new DOMException('plugin fetch deadline exceeded', 'TimeoutError')),
    ms,
  );
  return { signal: controller.signal, clear: () => timer.cancel() };
}
