import { Injectable, Logger } from '@nestjs/common';
import { truncateBytes } from '../../common/text/truncate';
import { Database, sql } from '../../database/database.service';
import { EventEmitter } from '../../events/event-emitter.port';
import { delegationIdOf, responseText } from '../proxy/envelope';
import { ClaimedItem } from '../queue/a2a-queue.repository';

/**
 * The queued delegation's result rows (spec 03 §3.5): the caller's `delegate_result` row and
 * — unlike the reference, which left it at `queued` — the `delegate` row itself.
 */
const COMPLETE_QUEUED = sql(
  'delegation.complete_queued',
  `UPDATE activity_logs
      SET status = 'completed',
          summary = CASE WHEN method = 'delegate_result' THEN $4 ELSE summary END,
          response_body = CASE WHEN method = 'delegate_result' THEN $5::jsonb ELSE response_body END
    WHERE workspace_id = $1 AND target_id = $2 AND activity_type = 'delegation'
      AND ((method = 'delegate_result' AND response_body->>'delegation_id' = $3)
        OR (method = 'delegate' AND request_body->>'delegation_id' = $3 AND status = 'queued'))`,
);

/** Stitches a drained message back into the delegation that queued it. */
@Injectable()
export class DelegationStitch {
  private readonly logger = new Logger(DelegationStitch.name);

  constructor(
    private readonly db: Database,
    private readonly events: EventEmitter,
  ) {}

  async afterDelivery(targetId: string, item: ClaimedItem, reply: Buffer): Promise<void> {
    const delegationId = delegationIdOf(item.body);
    const sourceId = item.caller_id ?? '';
    if (delegationId === '' || sourceId === '') return;
    const text = responseText(reply.toString('utf8'));
    try {
      const changed = await this.db.execute(COMPLETE_QUEUED, [
        sourceId,
        targetId,
        delegationId,
        `Delegation completed (${truncateBytes(text, 80)})`,
        JSON.stringify({ text, delegation_id: delegationId }),
      ]);
      if (changed === 0) return;
      await this.events.recordAndBroadcast('DELEGATION_COMPLETE', sourceId, {
        delegation_id: delegationId,
        target_id: targetId,
        response_preview: truncateBytes(text, 200),
        via: 'queue_drain',
      });
    } catch (err) {
      this.logger.error({ err, delegationId }, 'could not stitch a drained delegation result');
    }
  }
}
