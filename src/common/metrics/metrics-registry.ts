import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/**
 * One Prometheus registry per application instance (tests run several instances in one
 * process, so nothing may register on prom-client's global registry).
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly metrics = new Map<string, Counter<string> | Gauge<string>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.getOrCreate(
      name,
      () => new Counter({ name, help, labelNames, registers: [this.registry] }),
    ) as Counter<L>;
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return this.getOrCreate(
      name,
      () => new Gauge({ name, help, labelNames, registers: [this.registry] }),
    ) as Gauge<L>;
  }

  private getOrCreate(name: string, create: () => Counter<string> | Gauge<string>) {
    let metric = this.metrics.get(name);
    if (!metric) {
      metric = create();
      this.metrics.set(name, metric);
    }
    return metric;
  }
}
