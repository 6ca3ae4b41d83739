import { Injectable, Logger } from '@nestjs/common';
import { badRequest, internalError, notFound } from '../../common/http/api-error';
import { parseUuid } from '../../common/http/uuid';
import { PgError, pgErrorCode } from '../../database/database.service';
import { DelegationEvents } from './delegation-events';
import { completedSummary } from './delegation-text';
import { DelegationEntry, toDelegationEntry } from './delegation-view';
import { DelegationRepository } from './delegation.repository';
import { RecordDelegationDto } from './dto/record-delegation.dto';
import { UpdateDelegationDto } from './dto/update-delegation.dto';

const SETTLED_STATUSES = ['completed', 'failed'] as const;
type SettledStatus = (typeof SETTLED_STATUSES)[number];

/**
 * Delegations an agent sends itself and only reports here (spec 03 §4.5, §4.6), and the
 * listing the runtime polls every heartbeat (§4.7).
 */
@Injectable()
export class DelegationRecordsService {
  private readonly logger = new Logger(DelegationRecordsService.name);

  constructor(
    private readonly rows: DelegationRepository,
    private readonly events: DelegationEvents,
  ) {}

  /** No idempotency: every call adds a row (reference). */
  async record(
    sourceId: string,
    dto: RecordDelegationDto,
  ): Promise<{ delegation_id: string; status: 'recorded' }> {
    const targetId = parseUuid(dto.target_id);
    if (!targetId) throw badRequest('target_id must be a valid UUID');
    const ref = { sourceId, targetId, delegationId: dto.delegation_id };
    try {
      await this.rows.insertDelegate({
        ...ref,
        task: dto.task,
        status: 'dispatched',
        idempotencyKey: null,
      });
    } catch (err) {
      // A source or target that has no workspace row is the caller's mistake, not ours.
      if (pgErrorCode(err) === PgError.foreignKeyViolation) throw notFound('workspace not found');
      this.logger.error({ err, sourceId }, 'could not record an agent delegation');
      throw internalError('failed to record delegation');
    }
    await this.events.sent(ref, dto.task);
    return { delegation_id: dto.delegation_id, status: 'recorded' };
  }

  /**
   * Settles a delegation. Unlike the reference, the result row and the event carry the
   * target when the `delegate` row names one (the canvas drops events without a target).
   */
  async update(
    sourceId: string,
    delegationId: string,
    dto: UpdateDelegationDto,
  ): Promise<{ status: SettledStatus; delegation_id: string }> {
    const status = dto.status as SettledStatus;
    if (!SETTLED_STATUSES.includes(status)) {
      throw badRequest("status must be 'completed' or 'failed'");
    }
    const error = dto.error ?? '';
    // Nothing to update is not an error: the agent may report on a delegation we never saw.
    const targetId = await this.rows
      .setStatus(sourceId, delegationId, status, error)
      .catch((err) => {
        this.logger.error({ err, delegationId }, 'could not update a delegation');
        return undefined;
      });
    const ref = { sourceId, targetId, delegationId };
    if (status === 'failed') {
      await this.events.failed(ref, error);
    } else {
      const preview = dto.response_preview ?? '';
      await this.rows
        .insertResult({
          sourceId,
          targetId: targetId ?? null,
          status: 'completed',
          summary: completedSummary(preview),
          responseBody: { text: preview, delegation_id: delegationId },
          errorDetail: null,
        })
        .catch((err) => this.logger.error({ err, delegationId }, 'could not record a result'));
      await this.events.completed(ref, preview);
    }
    return { status, delegation_id: delegationId };
  }

  async list(workspaceId: string): Promise<DelegationEntry[]> {
    try {
      return (await this.rows.list(workspaceId)).map(toDelegationEntry);
    } catch (err) {
      this.logger.error({ err, workspaceId }, 'delegation query failed');
      throw internalError('query failed');
    }
  }
}
