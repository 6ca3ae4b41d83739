import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock/clock';
import { BusEvent, busEvent, buildEnvelope } from './event-envelope';
import { EventBus } from './event-bus';
import { EventEmitter } from './event-emitter.port';
import { EventsRepository } from './events.repository';
import { PgEventRelay } from './pg-event-relay';

/** The production `EventEmitter`: history row (when recorded), local fan-out, other replicas. */
@Injectable()
export class Broadcaster extends EventEmitter {
  private readonly logger = new Logger(Broadcaster.name);

  constructor(
    private readonly events: EventsRepository,
    private readonly bus: EventBus,
    private readonly relay: PgEventRelay,
    private readonly clock: Clock,
  ) {
    super();
  }

  async recordAndBroadcast(
    type: string,
    workspaceId: string,
    payload?: Record<string, unknown>,
  ): Promise<void> {
    const event = busEvent(buildEnvelope(type, workspaceId, payload, this.clock.now()));
    try {
      await this.events.insert(type, workspaceId || null, event.envelope.payload);
    } catch (err) {
      // The live delivery still happens: a history gap beats a canvas that never updates.
      this.logger.error({ err, event: type, workspaceId }, 'could not record event');
    }
    this.fanOut(event);
  }

  broadcastOnly(type: string, workspaceId: string, payload?: Record<string, unknown>): void {
    this.fanOut(busEvent(buildEnvelope(type, workspaceId, payload, this.clock.now())));
  }

  private fanOut(event: BusEvent): void {
    this.bus.deliver(event);
    this.relay.publish(event);
  }
}
