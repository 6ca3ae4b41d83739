import { Injectable } from '@nestjs/common';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsRegistry } from '../common/metrics/metrics-registry';
import { websocketConnectionsGauge } from '../common/middleware/websocket-connections.gauge';
import { BusEvent } from './event-envelope';

/**
 * Live-event series: how long an event took from its emission to the last WebSocket write of
 * its fan-out (`origin`: emitted on this replica, or relayed from another one through
 * PostgreSQL — measured from the emitting replica's clock), events a slow client missed, and
 * the open WebSocket and SSE subscribers.
 */
@Injectable()
export class EventMetrics {
  private readonly fanOut: Histogram<'origin'>;
  private readonly dropped: Counter<'transport'>;
  private readonly sockets: Gauge;
  private readonly streams: Gauge;

  constructor(metrics: MetricsRegistry) {
    this.fanOut = metrics.histogram(
      'molecule_event_fanout_seconds',
      'Time from an event being emitted to its delivery to every WebSocket client of this replica.',
      ['origin'],
    );
    this.dropped = metrics.counter(
      'molecule_events_dropped_total',
      'Events not delivered to a subscriber whose send backlog was full, by transport.',
      ['transport'],
    );
    this.sockets = websocketConnectionsGauge(metrics);
    this.streams = metrics.gauge('molecule_sse_streams_active', 'Open SSE event streams.');
    for (const transport of ['websocket', 'sse']) this.dropped.inc({ transport }, 0);
  }

  delivered(event: BusEvent, nowMs: number = Date.now()): void {
    this.fanOut.observe(
      { origin: event.relayed ? 'replica' : 'local' },
      Math.max(0, nowMs - event.emittedAt) / 1000,
    );
  }

  droppedFor(transport: 'websocket' | 'sse'): void {
    this.dropped.inc({ transport });
  }

  socketOpened(): void {
    this.sockets.inc();
  }

  socketClosed(): void {
    this.sockets.dec();
  }

  streamOpened(): void {
    this.streams.inc();
  }

  streamClosed(): void {
    this.streams.dec();
  }
}
