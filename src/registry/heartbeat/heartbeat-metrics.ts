import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { MetricsRegistry } from '../../common/metrics/metrics-registry';

/**
 * How a heartbeat ended: `accepted` (a known workspace, written), `unknown` (a valid gate but
 * no such workspace row), `unauthorized` (missing or wrong token), `error` (the write failed).
 */
export type HeartbeatCount = 'accepted' | 'unknown' | 'unauthorized' | 'error';
const COUNTS: readonly HeartbeatCount[] = ['accepted', 'unknown', 'unauthorized', 'error'];

/** `molecule_heartbeats_total{outcome}`: one increment per heartbeat, nothing else on its path. */
@Injectable()
export class HeartbeatMetrics {
  private readonly beats: Counter<'outcome'>;

  constructor(metrics: MetricsRegistry) {
    this.beats = metrics.counter(
      'molecule_heartbeats_total',
      'Workspace heartbeats received, by outcome (accepted, unknown, unauthorized, error).',
      ['outcome'],
    );
    for (const outcome of COUNTS) this.beats.inc({ outcome }, 0);
  }

  count(outcome: HeartbeatCount): void {
    this.beats.inc({ outcome });
  }
}
