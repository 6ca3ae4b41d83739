import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client, Notification } from 'pg';
import { BackgroundLoops } from '../common/loops/background-loops';
import { LoopNames } from '../common/loops/loop-names';
import { LockKeys } from '../common/loops/lock-keys';
import { AppConfig } from '../config/app-config';
import { Database, sql } from '../database/database.service';
import { BusEvent, relayedEvent } from './event-envelope';
import { EventBus } from './event-bus';
import { EventsRepository } from './events.repository';

export const EVENTS_CHANNEL = 'molecule_events';
/** NOTIFY payloads must stay under 8000 bytes; larger envelopes travel by reference. */
const MAX_INLINE_BYTES = 7900;
const SPILL_RETENTION_SECONDS = 300;
const RECONNECT_DELAY_MS = 1000;

/** One round trip for a whole batch, in order (volatile target lists run after the sort). */
const NOTIFY_BATCH = sql(
  'events.notify_batch',
  `SELECT pg_notify($1, payload) FROM unnest($2::text[]) WITH ORDINALITY AS t(payload, ord) ORDER BY ord`,
);

/**
 * Carries live events between replicas over PostgreSQL LISTEN/NOTIFY, so a canvas connected
 * to replica B sees what replica A did. Each replica delivers its own events locally and
 * ignores their echo. Publishes are batched per event-loop turn; an envelope too big for a
 * NOTIFY is parked in `event_spill` and sent by id.
 */
@Injectable()
export class PgEventRelay implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PgEventRelay.name);
  private readonly origin = randomUUID();
  private pending: string[] = [];
  private flushing: Promise<void> | undefined;
  private listener: Client | undefined;
  private inbound: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly events: EventsRepository,
    private readonly bus: EventBus,
    private readonly loops: BackgroundLoops,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
    this.loops.start({
      name: LoopNames.eventSpillPrune,
      intervalMs: 60_000,
      lockKey: LockKeys.eventSpillPrune,
      actions: ['pruned'],
      tick: async () => {
        const pruned = await this.events.pruneSpill(SPILL_RETENTION_SECONDS);
        return pruned > 0 ? { pruned } : undefined;
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.drained();
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  /** Queues an event for the other replicas; sent with everything else queued this turn. */
  publish(event: BusEvent): void {
    if (this.closed) return;
    this.pending.push(event.json);
    if (!this.flushing)
      this.flushing = new Promise<void>((resolve) =>
        setImmediate(() => this.flush().then(resolve)),
      );
  }

  /** Resolves once everything published so far has been handed to PostgreSQL. */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        const payloads: string[] = [];
        for (const json of batch) payloads.push(await this.toPayload(json));
        await this.db.query(NOTIFY_BATCH, [EVENTS_CHANNEL, payloads]);
      } catch (err) {
        this.logger.error({ err, dropped: batch.length }, 'cross-replica publish failed');
      }
    }
    this.flushing = undefined;
  }

  private async toPayload(json: string): Promise<string> {
    const inline = `${this.origin}|${json}`;
    if (Buffer.byteLength(inline) <= MAX_INLINE_BYTES) return inline;
    return `${this.origin}|#${await this.events.spill(json)}`;
  }

  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.config.databaseUrl,
      // A reconnect to a server that accepts and never answers must fail, and be tried again.
      connectionTimeoutMillis: this.config.databaseConnectTimeoutMs,
      keepAlive: true,
    });
    client.on('notification', (msg) => this.onNotification(msg));
    client.on('error', (err) => this.connectionLost(client, err));
    client.on('end', () => this.connectionLost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.listener = client;
  }

  private connectionLost(client: Client, err?: Error): void {
    if (this.closed || this.listener !== client) return;
    this.listener = undefined;
    this.logger.warn(
      { err: err ? String(err) : undefined },
      'event listener connection lost; reconnecting',
    );
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    setTimeout(() => {
      if (this.closed) return;
      this.listen().catch((err) => {
        this.logger.error({ err: String(err) }, 'event listener reconnect failed');
        this.scheduleReconnect();
      });
    }, RECONNECT_DELAY_MS).unref();
  }

  /** Notifications are handled strictly in arrival order, even when one needs a read-back. */
  private onNotification(msg: Notification): void {
    const payload = msg.payload ?? '';
    const bar = payload.indexOf('|');
    if (bar < 0 || payload.slice(0, bar) === this.origin) return;
    const body = payload.slice(bar + 1);
    this.inbound = this.inbound.then(async () => {
      try {
        const json = body.startsWith('#') ? await this.events.readSpill(body.slice(1)) : body;
        if (json !== undefined) this.bus.deliver(relayedEvent(json));
      } catch (err) {
        this.logger.error({ err }, 'could not deliver a relayed event');
      }
    });
  }
}
