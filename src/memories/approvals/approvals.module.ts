import { Module } from '@nestjs/common';
import { ApprovalExpiry } from './approval-expiry';
import { ApprovalsController, PendingApprovalsController } from './approvals.controller';
import { ApprovalsRepository } from './approvals.repository';
import { ApprovalsService } from './approvals.service';

/** Human approvals: request, list, the operators' banner, decide, and expiry. */
@Module({
  controllers: [ApprovalsController, PendingApprovalsController],
  providers: [ApprovalsRepository, ApprovalsService, ApprovalExpiry],
})
export class ApprovalsModule {}
