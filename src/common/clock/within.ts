import { Clock } from './clock';

/** A call that did not answer within its budget. */
export class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * Settles like `call`, or rejects with `DeadlineExceeded` once `ms` have passed on `clock` —
 * so a wedged daemon or control plane cannot hold a request or a reconcile cycle forever. The
 * call itself is not cancelled (engine calls have no cancellation); its late result is dropped.
 */
export function within<T>(clock: Clock, call: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(new DeadlineExceeded(ms)), ms);
    call.then(
      (value) => {
        timer.cancel();
        resolve(value);
      },
      (err: unknown) => {
        timer.cancel();
        reject(err);
      },
    );
  });
}
