import { Injectable, Logger } from '@nestjs/common';
import { AuthContext } from '../../common/auth/auth-context';
import { Clock } from '../../common/clock/clock';
import { badRequest, forbidden, notFound } from '../../common/http/api-error';
import { orInternalError } from '../../common/http/or-internal-error';
import { parseUuid } from '../../common/http/uuid';
import { EventEmitter } from '../../events/event-emitter.port';
import {
  ApprovalRow,
  ApprovalsRepository,
  EXPIRY_BATCH,
  PendingApprovalRow,
} from './approvals.repository';
import { DecideApprovalDto } from './dto/decide-approval.dto';
import { RequestApprovalDto } from './dto/request-approval.dto';

/** A pending request is denied (`auto-expired`) this long after it was created. */
export const APPROVAL_TTL_MS = 10 * 60 * 1000;

const DECISIONS = ['approved', 'denied'] as const;
type Decision = (typeof DECISIONS)[number];

/**
 * Human approvals (spec 08 §3): an agent asks, an operator decides — never the asking agent
 * itself — and an unanswered request is denied after ten minutes, with the same event a human
 * denial sends.
 */
@Injectable()
export class ApprovalsService {
  private readonly logger = new Logger(ApprovalsService.name);

  constructor(
    private readonly approvals: ApprovalsRepository,
    private readonly events: EventEmitter,
    private readonly clock: Clock,
  ) {}

  async request(
    workspaceId: string,
    body: RequestApprovalDto,
  ): Promise<{ approval_id: string; status: 'pending' }> {
    const action = body.action;
    const reason = body.reason ?? '';
    const taskId = body.task_id ?? '';
    const created = await orInternalError(
      this.approvals.insert({
        workspaceId,
        createdAt: this.clock.now(),
        taskId,
        action,
        reason,
        context: body.context ?? {},
      }),
      'failed to create approval',
      this.logger,
    );
    if (!created) throw notFound('workspace not found');

    await this.events.recordAndBroadcast('APPROVAL_REQUESTED', workspaceId, {
      approval_id: created.id,
      action,
      reason,
      task_id: taskId,
    });
    if (created.parentId) {
      await this.events.recordAndBroadcast('APPROVAL_ESCALATED', created.parentId, {
        approval_id: created.id,
        from_workspace_id: workspaceId,
        action,
        reason,
      });
    }
    return { approval_id: created.id, status: 'pending' };
  }

  async list(workspaceId: string): Promise<ApprovalRow[]> {
    await this.expireQuietly();
    return orInternalError(this.approvals.list(workspaceId), 'query failed', this.logger);
  }

  async pending(): Promise<PendingApprovalRow[]> {
    await this.expireQuietly();
    return orInternalError(this.approvals.pending(), 'query failed', this.logger);
  }

  async decide(
    auth: AuthContext | undefined,
    workspaceId: string,
    approvalId: string,
    body: DecideApprovalDto,
  ): Promise<{ status: Decision; approval_id: string }> {
    // WorkspaceAuth lets the requester's own token through; a request is never self-approved.
    if (auth?.via === 'workspace-token')
      throw forbidden('approvals must be decided by an operator');
    const decision = body.decision as Decision;
    if (!DECISIONS.includes(decision)) throw badRequest("decision must be 'approved' or 'denied'");
    const decidedBy = body.decided_by || 'human';

    const id = parseUuid(approvalId);
    const decided =
      id !== null &&
      (await orInternalError(
        this.approvals.decide(
          workspaceId,
          id,
          decision,
          decidedBy,
          this.expiryCutoff(),
          this.clock.now(),
        ),
        'failed to update',
        this.logger,
      ));
    if (!decided) throw notFound('approval not found or already decided');

    await this.events.recordAndBroadcast(
      decision === 'approved' ? 'APPROVAL_APPROVED' : 'APPROVAL_DENIED',
      workspaceId,
      { approval_id: id, decision, decided_by: decidedBy },
    );
    return { status: decision, approval_id: id };
  }

  /**
   * Denies every request pending for longer than the TTL, each with `APPROVAL_DENIED`
   * (`decided_by: auto-expired`). Returns how many expired.
   */
  async expireDue(): Promise<number> {
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - APPROVAL_TTL_MS);
    let total = 0;
    for (;;) {
      const expired = await this.approvals.expire(cutoff, now);
      for (const row of expired) {
        await this.events.recordAndBroadcast('APPROVAL_DENIED', row.workspace_id, {
          approval_id: row.id,
          decision: 'denied',
          decided_by: 'auto-expired',
        });
      }
      total += expired.length;
      if (expired.length < EXPIRY_BATCH) return total;
    }
  }

  /** Reads show no request past its TTL as pending; a failure here never fails the read. */
  private async expireQuietly(): Promise<void> {
    await this.expireDue().catch((err: unknown) =>
      this.logger.warn({ err }, 'approval expiry before a read failed'),
    );
  }

  /** Requests created before this instant have expired. */
  private expiryCutoff(): Date {
    return new Date(this.clock.now().getTime() - APPROVAL_TTL_MS);
  }
}
