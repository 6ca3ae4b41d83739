import { Logger } from '@nestjs/common';
import { Clock, TimerHandle } from '../clock/clock';

/**
 * Keeps this replica's leases on its in-flight work alive (cron fires, queued A2A deliveries):
 * while any is held, one renewal every third of the lease covers them all. A replica that dies
 * stops renewing, and once a lease lapses the work is another replica's to take over — which is
 * how a SIGKILL loses nothing. `renew` is given the new expiry, on the same clock; the next
 * renewal is armed before this one runs (a slow database never stretches the period), so
 * renewals may overlap and `renew` must only ever move an expiry forward.
 */
export class LeaseRenewer {
  private readonly held = new Set<string>();
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    readonly leaseMs: number,
    private readonly renew: (ids: readonly string[], leaseUntil: Date) => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  /** When a lease taken now ends. */
  leaseUntil(): Date {
    return new Date(this.clock.now().getTime() + this.leaseMs);
  }

  hold(id: string): void {
    this.held.add(id);
    this.timer ??= this.arm();
  }

  release(id: string): void {
    this.held.delete(id);
    if (this.held.size > 0) return;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private arm(): TimerHandle {
    return this.clock.setTimeout(() => {
      this.timer = this.arm();
      this.renew([...this.held], this.leaseUntil()).catch((err: unknown) =>
        this.logger.error({ err }, 'renewing in-flight leases failed; will retry'),
      );
    }, this.leaseMs / 3);
  }
}
