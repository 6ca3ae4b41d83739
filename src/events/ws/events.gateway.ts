import { Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import {
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { ShutdownSignal } from '../../common/shutdown/shutdown-signal';
import { BusEvent } from '../event-envelope';
import { EventBus, Unsubscribe } from '../event-bus';
import { EventMetrics } from '../event-metrics';
import { SubscriberAccess } from './subscriber-access';
import { WsHandshake } from './ws-handshake';

/** Per-client send backlog; beyond it events are dropped for that client, never blocking others. */
const MAX_BACKLOG = 256;
/** At shutdown, clients get this long to complete the close handshake before being dropped. */
const CLOSE_HANDSHAKE_MS = 1_000;
/** "Going away": the canvas reconnects, to another replica behind the load balancer. */
const GOING_AWAY = 1001;
const IDENTITY = Symbol('molecule.ws.workspaceId');

interface Subscriber {
  readonly socket: WebSocket;
  /** Set for agent clients; canvas clients see every event. */
  readonly workspaceId?: string;
  backlog: number;
}

type VerifiedRequest = IncomingMessage & { [IDENTITY]?: string };

/**
 * `GET /ws`: pushes every event envelope as one text frame. Inbound frames are ignored.
 * Agent clients only receive events about workspaces they may talk to.
 */
@WebSocketGateway({ path: '/ws' })
export class EventsGateway
  implements
    OnGatewayInit<WebSocketServer>,
    OnGatewayConnection<WebSocket>,
    OnGatewayDisconnect<WebSocket>,
    OnModuleInit,
    OnModuleDestroy
{
  private readonly logger = new Logger(EventsGateway.name);
  private readonly subscribers = new Map<WebSocket, Subscriber>();
  private unsubscribe: Unsubscribe | undefined;
  private pending: BusEvent[] = [];
  /** Agent deliveries wait on an access query; chaining keeps them in event order. */
  private agentDeliveries: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: EventBus,
    private readonly handshake: WsHandshake,
    private readonly access: SubscriberAccess,
    private readonly metrics: EventMetrics,
    private readonly shutdown: ShutdownSignal,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribeAll((event) => this.enqueue(event));
    this.shutdown.signal.addEventListener('abort', () => this.letClientsGo(), { once: true });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** The handshake runs before the upgrade completes, so rejections are plain HTTP answers. */
  afterInit(server: WebSocketServer): void {
    server.options.verifyClient = (
      info: { req: IncomingMessage },
      done: (
        ok: boolean,
        code?: number,
        message?: string,
        headers?: Record<string, string>,
      ) => void,
    ) => {
      this.handshake
        .verify(info.req)
        .then((result) => {
          if (!result.ok)
            return done(false, result.status, result.body, { 'Content-Type': result.contentType });
          (info.req as VerifiedRequest)[IDENTITY] = result.workspaceId;
          done(true);
        })
        .catch((err) => {
          this.logger.error({ err }, 'websocket handshake failed');
          done(false, 500, JSON.stringify({ error: 'auth check failed' }), {
            'Content-Type': 'application/json',
          });
        });
    };
  }

  handleConnection(socket: WebSocket, req: VerifiedRequest): void {
    this.subscribers.set(socket, { socket, workspaceId: req[IDENTITY], backlog: 0 });
    this.metrics.socketOpened();
  }

  handleDisconnect(socket: WebSocket): void {
    if (this.subscribers.delete(socket)) this.metrics.socketClosed();
  }

  /** Upgraded sockets are not the HTTP server's to drain: they are closed here, then dropped. */
  private letClientsGo(): void {
    const sockets = [...this.subscribers.keys()];
    for (const socket of sockets) socket.close(GOING_AWAY, 'server shutting down');
    setTimeout(() => {
      for (const socket of sockets) if (socket.readyState !== socket.CLOSED) socket.terminate();
    }, CLOSE_HANDSHAKE_MS).unref();
  }

  /**
   * Socket writes happen on the next turn of the event loop, in order, so the request that
   * emitted an event (a heartbeat, say) answers before hundreds of sockets are written to.
   */
  private enqueue(event: BusEvent): void {
    this.pending.push(event);
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    const events = this.pending;
    this.pending = [];
    // Fan-out latency is only measured where there is a fan-out.
    const measured = this.subscribers.size > 0;
    for (const event of events) {
      this.deliver(event);
      if (measured) this.metrics.delivered(event);
    }
  }

  private deliver(event: BusEvent): void {
    const agents: Subscriber[] = [];
    for (const subscriber of this.subscribers.values()) {
      if (subscriber.workspaceId === undefined) this.send(subscriber, event);
      else agents.push(subscriber);
    }
    if (agents.length > 0 && event.envelope.workspace_id !== '') {
      this.agentDeliveries = this.agentDeliveries.then(() => this.deliverToAgents(event, agents));
    }
  }

  private async deliverToAgents(event: BusEvent, agents: Subscriber[]): Promise<void> {
    try {
      const ids = [...new Set(agents.map((a) => a.workspaceId!))];
      const allowed = await this.access.allowed(event.envelope.workspace_id, ids);
      for (const agent of agents) if (allowed.has(agent.workspaceId!)) this.send(agent, event);
    } catch (err) {
      this.logger.error(
        { err, event: event.envelope.event },
        'agent subscriber access check failed; event withheld',
      );
    }
  }

  private send(subscriber: Subscriber, event: BusEvent): void {
    if (subscriber.socket.readyState !== subscriber.socket.OPEN) return;
    if (subscriber.backlog >= MAX_BACKLOG) {
      this.metrics.droppedFor('websocket');
      this.logger.warn(
        { event: event.envelope.event },
        'websocket client backlog full; event dropped for it',
      );
      return;
    }
    subscriber.backlog++;
    subscriber.socket.send(event.json, () => subscriber.backlog--);
  }
}
