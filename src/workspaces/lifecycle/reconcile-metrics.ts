import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import { MetricsRegistry, SLOW_BUCKETS } from '../../common/metrics/metrics-registry';
import { DESIRED_STATES, DesiredState } from '../../database/entities';

/** The action a cycle runs toward each desired state, as operators name it. */
const ACTIONS: Readonly<Record<DesiredState, string>> = {
  running: 'provision',
  paused: 'pause',
  hibernated: 'hibernate',
  removed: 'remove',
};
/** `done`: the desired state was reached; `failed`: it was not (retried after a backoff). */
export type CycleResult = 'done' | 'failed' | 'superseded';
const RESULTS: readonly CycleResult[] = ['done', 'failed', 'superseded'];

/**
 * `molecule_reconcile_cycles_total{action,outcome}` and
 * `molecule_reconcile_cycle_duration_seconds{action,outcome}`: every lifecycle cycle —
 * provisions (and restarts, which are provisions), pauses, hibernations, removals — counted
 * and timed, failures included.
 */
@Injectable()
export class ReconcileMetrics {
  private readonly cycles: Counter<'action' | 'outcome'>;
  private readonly duration: Histogram<'action' | 'outcome'>;

  constructor(metrics: MetricsRegistry) {
    this.cycles = metrics.counter(
      'molecule_reconcile_cycles_total',
      'Lifecycle cycles by action (provision, pause, hibernate, remove) and outcome (done, failed, superseded).',
      ['action', 'outcome'],
    );
    this.duration = metrics.histogram(
      'molecule_reconcile_cycle_duration_seconds',
      'How long each lifecycle cycle took, by action and outcome.',
      ['action', 'outcome'],
      SLOW_BUCKETS,
    );
    for (const desired of DESIRED_STATES)
      for (const outcome of RESULTS) this.cycles.inc({ action: ACTIONS[desired], outcome }, 0);
  }

  cycle(desired: DesiredState, outcome: CycleResult, seconds: number): void {
    const labels = { action: ACTIONS[desired], outcome };
    this.cycles.inc(labels);
    this.duration.observe(labels, seconds);
  }
}
