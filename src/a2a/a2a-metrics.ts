import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from '../common/metrics/metrics-registry';
import { ProxyOutcome } from './proxy/proxy-result';

const PROXY_OUTCOMES: readonly ProxyOutcome[] = [
  'delivered',
  'queued',
  'busy',
  'rejected',
  'failed',
];
/** How a dispatch of a queued message ended (an empty queue is not counted). */
export type DispatchOutcome = 'delivered' | 'requeued' | 'failed';
const DRAIN_OUTCOMES: readonly DispatchOutcome[] = ['delivered', 'requeued', 'failed'];

/**
 * The A2A module's series: every proxied call — from the route or an internal caller
 * (delegation, schedule fire, queue drain) — counted by outcome and timed from its arrival at
 * the proxy to the agent's reply (its headers, when streamed); and every dispatch of a queued
 * message. The queue's depth is counted at scrape time (`FleetGauges`).
 */
@Injectable()
export class A2AMetrics {
  private readonly calls: Counter<'outcome'>;
  private readonly latency: Histogram<'outcome'>;
  private readonly dispatches: Counter<'outcome'>;

  constructor(metrics: MetricsRegistry) {
    this.calls = metrics.counter(
      'molecule_a2a_proxy_requests_total',
      'A2A messages through the proxy, by outcome (delivered, queued, busy, rejected, failed).',
      ['outcome'],
    );
    this.latency = metrics.histogram(
      'molecule_a2a_proxy_duration_seconds',
      'Time the proxy took to answer an A2A message (agent reply, or its headers when streamed).',
      ['outcome'],
    );
    this.dispatches = metrics.counter(
      'molecule_a2a_queue_dispatches_total',
      'Queued A2A messages dispatched, by outcome (delivered, requeued: still busy, failed: gave up).',
      ['outcome'],
    );
    for (const outcome of PROXY_OUTCOMES) this.calls.inc({ outcome }, 0);
    for (const outcome of DRAIN_OUTCOMES) this.dispatches.inc({ outcome }, 0);
  }

  proxied(outcome: ProxyOutcome, seconds: number): void {
    this.calls.inc({ outcome });
    this.latency.observe({ outcome }, seconds);
  }

  drained(outcome: DispatchOutcome): void {
    this.dispatches.inc({ outcome });
  }
}
