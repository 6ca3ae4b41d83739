import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { badRequest } from '../../common/http/api-error';
import { parseUuid } from '../../common/http/uuid';
import { DelegationEvents } from './delegation-events';
import { DelegationIdempotency, IdempotentHit } from './delegation-idempotency';
import { DelegationWorker } from './delegation-worker';
import { DelegationRepository } from './delegation.repository';
import { DelegateDto } from './dto/delegate.dto';

export const TRACKING_UNAVAILABLE = 'delegation dispatched but status tracking unavailable';

export interface Delegated {
  delegation_id: string;
  status: 'delegated';
  target_id: string;
  warning?: string;
}

export type DelegateReply =
  | { readonly status: 202; readonly body: Delegated }
  | { readonly status: 200; readonly body: IdempotentHit };

/**
 * `POST /workspaces/:id/delegate` (spec 03 §4.2): validates, honours the idempotency key,
 * records the `delegate` row, announces DELEGATION_SENT and hands the task to the worker.
 */
@Injectable()
export class DelegateService {
  private readonly logger = new Logger(DelegateService.name);

  constructor(
    private readonly rows: DelegationRepository,
    private readonly idempotency: DelegationIdempotency,
    private readonly events: DelegationEvents,
    private readonly worker: DelegationWorker,
  ) {}

  async delegate(sourceId: string, dto: DelegateDto): Promise<DelegateReply> {
    // Kept canonical so that rows, events and the queue stitch all name the target alike.
    const targetId = parseUuid(dto.target_id);
    if (!targetId) throw badRequest('target_id must be a valid UUID');
    if (targetId === sourceId) throw badRequest('self-delegation not permitted');
    const key = dto.idempotency_key ?? '';

    const replay = await this.idempotency.replay(sourceId, key);
    if (replay) return { status: 200, body: replay };

    const delegationId = randomUUID();
    const body: Delegated = {
      delegation_id: delegationId,
      status: 'delegated',
      target_id: targetId,
    };
    try {
      await this.rows.insertDelegate({
        sourceId,
        targetId,
        delegationId,
        task: dto.task,
        status: 'pending',
        idempotencyKey: key || null,
      });
    } catch (err) {
      const winner = await this.idempotency.winner(sourceId, key, targetId);
      if (winner) return { status: 200, body: winner };
      this.logger.error({ err, sourceId, delegationId }, 'could not record a delegation');
      body.warning = TRACKING_UNAVAILABLE;
    }

    const ref = { sourceId, targetId, delegationId };
    // Announced before the worker starts, so DELEGATION_SENT always precedes its status events.
    await this.events.sent(ref, dto.task);
    this.worker.start({ ...ref, task: dto.task });
    return { status: 202, body };
  }
}
