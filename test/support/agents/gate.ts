/** A latch that parks callers until release(); hold() closes it again for later callers. */
export class Gate {
  private waiters: Array<() => void> = [];

  constructor(private isOpen: boolean) {}

  get open(): boolean {
    return this.isOpen;
  }

  wait(): Promise<void> {
    if (this.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    this.isOpen = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resume of waiters) resume();
  }

  hold(): void {
    this.isOpen = false;
  }
}
