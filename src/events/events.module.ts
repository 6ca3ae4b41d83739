import { Global, Module } from '@nestjs/common';
import { Broadcaster } from './broadcaster';
import { EventBus } from './event-bus';
import { EventEmitter } from './event-emitter.port';
import { EventMetrics } from './event-metrics';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';
import { PgEventRelay } from './pg-event-relay';
import { SseController } from './sse.controller';
import { EventsGateway } from './ws/events.gateway';
import { SubscriberAccess } from './ws/subscriber-access';
import { WsHandshake } from './ws/ws-handshake';
import { WsPlainHttpController } from './ws/ws-plain-http.controller';

@Global()
@Module({
  controllers: [EventsController, SseController, WsPlainHttpController],
  providers: [
    EventBus,
    EventMetrics,
    EventsRepository,
    PgEventRelay,
    Broadcaster,
    { provide: EventEmitter, useExisting: Broadcaster },
    SubscriberAccess,
    WsHandshake,
    EventsGateway,
  ],
  exports: [EventEmitter, EventBus, SubscriberAccess],
})
export class EventsModule {}
