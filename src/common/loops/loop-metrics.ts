import type { Counter, Histogram } from 'prom-client';
import { MetricsRegistry, SLOW_BUCKETS } from '../metrics/metrics-registry';

export type PassOutcome = 'done' | 'skipped' | 'failed';

/**
 * The series every background loop shares: its passes by outcome, how long the passes that ran
 * took, and — for the loops that declare which of their summary's counts are actions — what
 * each sweep did (`molecule_sweep_actions_total{sweep,action}`).
 */
export class LoopMetrics {
  private readonly passes: Counter<'loop' | 'outcome'>;
  private readonly duration: Histogram<'loop'>;
  private readonly actions: Counter<'sweep' | 'action'>;

  constructor(metrics: MetricsRegistry) {
    this.passes = metrics.counter(
      'molecule_background_passes_total',
      'Background loop passes, by loop and outcome (done, skipped, failed)',
      ['loop', 'outcome'],
    );
    this.duration = metrics.histogram(
      'molecule_background_pass_duration_seconds',
      'How long each background pass that ran took (done or failed), by loop.',
      ['loop'],
      SLOW_BUCKETS,
    );
    this.actions = metrics.counter(
      'molecule_sweep_actions_total',
      'What the sweeps did, by sweep and action (workspaces marked offline, containers reaped, …).',
      ['sweep', 'action'],
    );
  }

  /** The loop's action series exist (at 0) from its start. */
  declare(loop: string, actions: readonly string[]): void {
    for (const field of actions) this.actions.inc({ sweep: loop, action: actionLabel(field) }, 0);
  }

  pass(loop: string, outcome: PassOutcome, seconds?: number): void {
    this.passes.inc({ loop, outcome });
    if (seconds !== undefined) this.duration.observe({ loop }, seconds);
  }

  /** Counts the declared fields of a summary: numbers as they are, lists by their length. */
  acted(loop: string, actions: readonly string[], summary: object): void {
    const fields = summary as Record<string, unknown>;
    for (const field of actions) {
      const value = fields[field];
      const count = typeof value === 'number' ? value : Array.isArray(value) ? value.length : 0;
      if (count > 0) this.actions.inc({ sweep: loop, action: actionLabel(field) }, count);
    }
  }
}

/** `timedOut` → `timed_out`: Prometheus label values in the metric names' style. */
function actionLabel(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
