import { Logger } from '@nestjs/common';
import { Clock, TimerHandle } from '../../common/clock/clock';
import { ClaimLost } from './reconcile-action';
import { ReconcileRepository } from './reconcile.repository';

/**
 * The leases this replica holds on the workspaces it is driving: renewed together every third
 * of the lease, so a live replica never loses one and a dead one loses them all within a lease.
 * A claim not confirmed for half a lease (a stalled process, a database outage) is confirmed
 * again before the next effect instead of being assumed.
 */
export class ClaimLeases {
  private readonly logger = new Logger('Reconciler');
  /** Workspace id → when its lease was last confirmed (claim or renewal), in clock ms. */
  private readonly confirmed = new Map<string, number>();
  private readonly lost = new Set<string>();
  private timer: TimerHandle | undefined;

  constructor(
    private readonly repository: ReconcileRepository,
    private readonly clock: Clock,
    private readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  hold(id: string): void {
    this.confirmed.set(id, this.now());
    this.lost.delete(id);
    this.timer ??= this.clock.setTimeout(() => void this.renewAll(), this.leaseMs / 3);
  }

  drop(id: string): void {
    this.confirmed.delete(id);
    this.lost.delete(id);
    if (this.confirmed.size === 0) {
      this.timer?.cancel();
      this.timer = undefined;
    }
  }

  async ensure(id: string): Promise<void> {
    if (this.lost.has(id)) throw new ClaimLost(id);
    const at = this.confirmed.get(id);
    if (at !== undefined && this.now() - at < this.leaseMs / 2) return;
    const kept = await this.repository.renew(this.owner, this.leaseMs, [id]);
    if (!kept.has(id)) {
      this.lost.add(id);
      throw new ClaimLost(id);
    }
    if (this.confirmed.has(id)) this.confirmed.set(id, this.now());
  }

  private async renewAll(): Promise<void> {
    const ids = [...this.confirmed.keys()];
    try {
      const kept = await this.repository.renew(this.owner, this.leaseMs, ids);
      const at = this.now();
      for (const id of ids) {
        if (!this.confirmed.has(id)) continue;
        if (kept.has(id)) this.confirmed.set(id, at);
        else if (!this.lost.has(id)) {
          this.lost.add(id);
          this.logger.warn({ workspaceId: id }, 'reconcile lease lost to another replica');
        }
      }
    } catch (err) {
      this.logger.error({ err }, 'renewing reconcile leases failed; will retry');
    } finally {
      this.timer = undefined;
      if (this.confirmed.size > 0)
        this.timer = this.clock.setTimeout(() => void this.renewAll(), this.leaseMs / 3);
    }
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
