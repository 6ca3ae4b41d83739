import type { Gauge } from 'prom-client';
import { MetricsRegistry } from '../metrics/metrics-registry';

export const WEBSOCKET_CONNECTIONS_ACTIVE = 'molecule_websocket_connections_active';

/** The open-WebSocket gauge: the gateway increments it on connect and decrements on close. */
export function websocketConnectionsGauge(metrics: MetricsRegistry): Gauge<string> {
  return metrics.gauge(WEBSOCKET_CONNECTIONS_ACTIVE, 'Open WebSocket connections.');
}
