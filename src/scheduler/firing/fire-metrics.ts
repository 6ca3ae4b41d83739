import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import { MetricsRegistry, SLOW_BUCKETS } from '../../common/metrics/metrics-registry';
import { RunStatus } from './fire-outcome';

const STATUSES: readonly RunStatus[] = ['ok', 'error', 'queued', 'stale', 'skipped'];

/**
 * The cron loop's series: every run recorded, by the status it was recorded with, and how late
 * each fire was claimed after its due time (a fire waiting for capacity is due again at each
 * re-check, so this measures the loop's own lag, not the capacity wait).
 */
@Injectable()
export class FireMetrics {
  private readonly runs: Counter<'status'>;
  private readonly lateness: Histogram;

  constructor(metrics: MetricsRegistry) {
    this.runs = metrics.counter(
      'molecule_schedule_fires_total',
      'Schedule runs recorded, by status (ok, error, queued, stale, skipped).',
      ['status'],
    );
    this.lateness = metrics.histogram(
      'molecule_schedule_fire_lateness_seconds',
      'How long after its due time a schedule fire was claimed.',
      [],
      SLOW_BUCKETS,
    );
    for (const status of STATUSES) this.runs.inc({ status }, 0);
  }

  recorded(status: RunStatus): void {
    this.runs.inc({ status });
  }

  claimedLate(seconds: number): void {
    this.lateness.observe(Math.max(0, seconds));
  }
}
