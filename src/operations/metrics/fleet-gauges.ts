import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { within } from '../../common/clock/within';
import { MetricsRegistry } from '../../common/metrics/metrics-registry';
import { WORKSPACE_STATUSES } from '../../database/entities';
import { FleetCounts, FleetRepository } from './fleet.repository';

/** A scrape waits this long for the counts; past it the gauges keep their previous values. */
export const FLEET_COUNTS_TIMEOUT_MS = 2_000;
/**
 * Counts this fresh are reused: Prometheus scrapes every 15 s or more, and a dashboard or a
 * script polling `/metrics` (a bench waiting for counters to settle) costs no statement then.
 */
export const FLEET_COUNTS_TTL_MS = 5_000;
const QUEUE_STATES = ['queued', 'dispatched'] as const;

/**
 * Gauges of the whole fleet, counted in PostgreSQL when `/metrics` is scraped (one statement
 * per scrape at most, nothing on any request path). Every replica reports the same fleet:
 * aggregate them with `max`, not `sum`. A failed or slow count leaves the last values in place.
 */
@Injectable()
export class FleetGauges implements OnModuleInit {
  private readonly logger = new Logger(FleetGauges.name);
  /** One count shared by both gauges of a scrape. */
  private pending: Promise<FleetCounts | undefined> | undefined;
  private last: { readonly at: number; readonly counts: FleetCounts } | undefined;

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly fleet: FleetRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.metrics.gauge(
      'molecule_workspaces',
      'Workspaces by status (the whole fleet, counted at scrape time).',
      ['status'],
      async (gauge) => {
        const counts = await this.counts();
        if (!counts) return;
        for (const status of WORKSPACE_STATUSES)
          gauge.set({ status }, counts.workspaces.get(status) ?? 0);
      },
    );
    this.metrics.gauge(
      'molecule_a2a_queue_depth',
      'A2A messages in the busy queue: queued (waiting for capacity) or dispatched (being delivered).',
      ['status'],
      async (gauge) => {
        const counts = await this.counts();
        if (!counts) return;
        for (const status of QUEUE_STATES) gauge.set({ status }, counts.queue.get(status) ?? 0);
      },
    );
  }

  private counts(): Promise<FleetCounts | undefined> {
    this.pending ??= this.countOnce().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async countOnce(): Promise<FleetCounts | undefined> {
    const now = this.clock.now().getTime();
    if (this.last && now - this.last.at < FLEET_COUNTS_TTL_MS) return this.last.counts;
    try {
      const counts = await within(this.clock, this.fleet.counts(), FLEET_COUNTS_TIMEOUT_MS);
      this.last = { at: now, counts };
      return counts;
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'fleet counts failed; gauges keep their last values');
      return undefined;
    }
  }
}
