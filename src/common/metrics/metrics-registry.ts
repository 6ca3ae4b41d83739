import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Metric, Registry } from 'prom-client';

/** Latency buckets (seconds) for request-sized work: 1 ms to 30 s. */
export const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];
/** Buckets (seconds) for slow work — provisions, sweeps, fire lateness: 50 ms to 10 min. */
export const SLOW_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/**
 * One Prometheus registry per application instance (tests run several instances in one
 * process, so nothing may register on prom-client's global registry). Metrics are created on
 * first use and shared by name, so two providers asking for one series get the same object.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly metrics = new Map<string, Metric<string>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.getOrCreate(
      name,
      () => new Counter({ name, help, labelNames, registers: [this.registry] }),
    ) as Counter<L>;
  }

  /**
   * A gauge; with `collect`, its value is computed when `/metrics` is scraped (so nothing is
   * spent keeping it current between scrapes). `collect` must not throw.
   */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    collect?: (gauge: Gauge<L>) => void | Promise<void>,
  ): Gauge<L> {
    return this.getOrCreate(
      name,
      () =>
        new Gauge<L>({
          name,
          help,
          labelNames,
          registers: [this.registry],
          ...(collect && {
            collect(this: Gauge<L>) {
              return collect(this);
            },
          }),
        }),
    ) as Gauge<L>;
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets: readonly number[] = LATENCY_BUCKETS,
  ): Histogram<L> {
    return this.getOrCreate(
      name,
      () =>
        new Histogram({
          name,
          help,
          labelNames,
          buckets: [...buckets],
          registers: [this.registry],
        }),
    ) as Histogram<L>;
  }

  private getOrCreate(name: string, create: () => Metric<string>): Metric<string> {
    let metric = this.metrics.get(name);
    if (!metric) {
      metric = create();
      this.metrics.set(name, metric);
    }
    return metric;
  }
}
