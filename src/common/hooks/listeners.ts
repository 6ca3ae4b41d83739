import { Logger } from '@nestjs/common';

export type Listener<A extends unknown[]> = (...args: A) => void | Promise<void>;

/**
 * Listeners a lower layer calls without knowing who they are — how signals travel upward
 * (heartbeat → queue drain, offline → restart) without upward imports. Each listener runs
 * detached from the caller; a failure is logged and never reaches the caller.
 */
export class Listeners<A extends unknown[]> {
  private readonly logger: Logger;
  private readonly listeners = new Set<Listener<A>>();

  constructor(name: string) {
    this.logger = new Logger(name);
  }

  /** Subscribes `listener`; returns the unsubscribe function. */
  on(listener: Listener<A>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(...args: A): void {
    for (const listener of this.listeners) {
      Promise.resolve()
        .then(() => listener(...args))
        .catch((err: unknown) => this.logger.error({ err }, 'listener failed'));
    }
  }
}
