import { Injectable, Logger } from '@nestjs/common';
import { delegationIdOf, responseText } from '../proxy/envelope';
import { ClaimedItem } from '../queue/a2a-queue.repository';
import { DelegationEvents } from './delegation-events';
import { DelegationRepository } from './delegation.repository';

/**
 * Stitches a drained message back into the delegation that queued it (spec 03 §3.5): the
 * worker left the delegation `queued`; the queue drainer delivers the message later and
 * hands the agent's reply here.
 */
@Injectable()
export class DelegationStitch {
  private readonly logger = new Logger(DelegationStitch.name);

  constructor(
    private readonly rows: DelegationRepository,
    private readonly events: DelegationEvents,
  ) {}

  async afterDelivery(targetId: string, item: ClaimedItem, reply: Buffer): Promise<void> {
    const delegationId = delegationIdOf(item.body);
    const sourceId = item.caller_id ?? '';
    if (delegationId === '' || sourceId === '') return;
    const text = responseText(reply.toString('utf8'));
    try {
      const changed = await this.rows.completeQueued(sourceId, targetId, delegationId, text);
      if (changed === 0) return;
      await this.events.completed({ sourceId, targetId, delegationId }, text, 'queue_drain');
    } catch (err) {
      this.logger.error({ err, delegationId }, 'could not stitch a drained delegation result');
    }
  }
}
