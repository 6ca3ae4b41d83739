/**
 * A fixed number of fires in flight per replica. The claim takes only as many due rows as
 * there are free slots, so a claimed fire starts at once; a slow agent holds one slot and
 * every other fire goes on.
 */
export class FireSlots {
  private busy = 0;
  private waiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(readonly size: number) {}

  get free(): number {
    return this.size - this.busy;
  }

  get inFlight(): number {
    return this.busy;
  }

  /** Resolves once at least one slot is free. */
  whenFree(): Promise<void> {
    if (this.free > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves once nothing is in flight. */
  whenIdle(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Runs `task` in a slot (the caller saw one free); its failure is the task's own business. */
  run(task: () => Promise<unknown>): void {
    if (this.free <= 0) throw new Error('no free fire slot');
    this.busy++;
    task()
      .catch(() => undefined)
      .finally(() => {
        this.busy--;
        this.waiters.shift()?.();
        if (this.busy === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
  }
}
