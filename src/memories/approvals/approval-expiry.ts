import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundLoops } from '../../common/loops/background-loops';
import { LockKeys } from '../../common/loops/lock-keys';
import { ApprovalsService } from './approvals.service';

/** How often unanswered approvals are checked for expiry (each is denied within this of its TTL). */
export const APPROVAL_EXPIRY_INTERVAL_MS = 15_000;

/**
 * Expires approvals even when nobody reads them, so the requesting agent's poll and the event
 * stream learn of the denial on time (the reference expired them only inside the canvas poll).
 */
@Injectable()
export class ApprovalExpiry implements OnApplicationBootstrap {
  constructor(
    private readonly approvals: ApprovalsService,
    private readonly loops: BackgroundLoops,
  ) {}

  onApplicationBootstrap(): void {
    this.loops.start({
      name: 'approval-expiry',
      intervalMs: APPROVAL_EXPIRY_INTERVAL_MS,
      lockKey: LockKeys.approvalExpiry,
      actions: ['expired'],
      tick: async () => {
        const expired = await this.approvals.expireDue();
        return expired > 0 ? { expired } : undefined;
      },
    });
  }
}
