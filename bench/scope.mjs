import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';

/**
 * Last-in-first-out cleanup. Every resource registers its teardown the moment it exists, so
 * an error (or Ctrl-C) at any point still stops the apps, agents, sockets and PostgreSQL
 * started before it — in the reverse order of their start.
 */
export class Scope {
  #teardowns = [];
  #closing;

  defer(label, teardown) {
    this.#teardowns.push({ label, teardown });
  }

  /** Idempotent: a second call (e.g. a signal during a normal shutdown) waits for the first. */
  close() {
    this.#closing ??= this.#drain();
    return this.#closing;
  }

  async #drain() {
    while (this.#teardowns.length > 0) {
      const { label, teardown } = this.#teardowns.pop();
      try {
        await withTimeout(Promise.resolve().then(teardown), 20_000, label);
      } catch (err) {
        process.stderr.write(
          `cleanup: ${label} failed: ${err instanceof Error ? err.message : err}\n`,
        );
      }
    }
  }
}

/** Rejects when `promise` has not settled within `ms`; the timer never keeps the process alive. */
export function withTimeout(promise, ms, label) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
