import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { performance } from 'node:perf_hooks';
import type { QueryConfig } from 'pg';
import { Database } from '../../database/database.service';
import { Clock, MAX_TIMER_DELAY_MS } from '../clock/clock';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { ShutdownSignal } from '../shutdown/shutdown-signal';
import { LoopLiveness } from './loop-liveness';
import { LoopMetrics } from './loop-metrics';

/** What a pass is handed. */
export interface LoopPass {
  /**
   * Aborted when the pass outlives its deadline or the server shuts down: the pass should
   * stop starting new work (it is never cut off mid-call).
   */
  readonly signal: AbortSignal;
}

/** What a pass reports: a summary worth logging, or nothing when there was nothing to do. */
export type PassSummary = object | void;

/** One pass (`pass` is always given by the loop; direct callers may leave it out). */
export type LoopWork = (pass?: LoopPass) => Promise<PassSummary>;

export interface LoopDefinition {
  /** Subsystem name (from `LoopNames`): log context and key on `/admin/liveness`. */
  readonly name: string;
  readonly intervalMs: number;
  /**
   * When set, each pass runs under `pg_try_advisory_lock(lockKey)`: with many replicas one
   * of them does the pass and the others skip it.
   */
  readonly lockKey?: number;
  /** The pass's `signal` aborts this long after the pass began. */
  readonly deadlineMs?: number;
  readonly tick: LoopWork;
  /**
   * Runs once when the loop starts (repairs before the first pass, or a first pass right
   * away), never overlapping a pass; the loop reports live once it is done, so liveness is
   * fresh during the first interval.
   */
  readonly startup?: LoopWork;
  /**
   * For sweeps: the fields of a pass's summary that count what it did (numbers, or lists
   * counted by length), added to `molecule_sweep_actions_total{sweep,action}`.
   */
  readonly actions?: readonly string[];
}

/** How one pass ended (what `tryPass` resolves to; tests and the two-replica checks read it). */
export type LoopOutcome =
  | { readonly status: 'done'; readonly summary?: object }
  | { readonly status: 'skipped'; readonly reason: 'stopped' | 'overlap' | 'locked' }
  | { readonly status: 'failed'; readonly error: unknown };

interface InFlight {
  readonly controller: AbortController;
  readonly done: Promise<LoopOutcome>;
}

/**
 * Runs the server's background loops and everything they share: the advisory lock that
 * lets one replica do each pass, a pass never overlapping the previous one, one structured
 * log line per pass, pass counters on `/metrics`, the last tick on `/admin/liveness`, and
 * error capture — a loop logs its failure and carries on with the next interval; it never
 * takes the process down. On shutdown no new pass starts and passes in flight are told to
 * stop (their signal aborts) and awaited, so nothing runs against a closed pool.
 */
@Injectable()
export class BackgroundLoops implements BeforeApplicationShutdown {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly startups: Promise<unknown>[] = [];
  private readonly metrics: LoopMetrics;
  private stopped = false;

  constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly liveness: LoopLiveness,
    metrics: MetricsRegistry,
    private readonly shutdown: ShutdownSignal,
  ) {
    this.metrics = new LoopMetrics(metrics);
  }

  /**
   * Starts the loop: its start-up work now, then a pass every interval (the first one a full
   * interval after start). Resolves once the start-up work is done (failed work is logged).
   */
  start(loop: LoopDefinition): Promise<void> {
    // A longer interval would make Node run the loop every millisecond instead.
    const intervalMs = Math.min(loop.intervalMs, MAX_TIMER_DELAY_MS);
    const timer = setInterval(() => void this.runOnce(loop), intervalMs);
    timer.unref();
    this.scheduler.addInterval(loop.name, timer);
    this.metrics.declare(loop.name, loop.actions ?? []);
    if (!loop.startup) return Promise.resolve();
    const startup = this.begin(loop, loop.startup, 'start-up').then(() => undefined);
    this.startups.push(startup);
    return startup;
  }

  /** Runs one pass now (also what tests call instead of waiting for the interval). */
  async runOnce(loop: LoopDefinition): Promise<void> {
    await this.tryPass(loop);
  }

  /**
   * Runs one pass now and says how it ended: done (with its summary), skipped (another pass of
   * the loop in flight here, another replica holding the lock, or shutting down) or failed.
   */
  tryPass(loop: LoopDefinition): Promise<LoopOutcome> {
    return this.begin(loop, loop.tick, 'pass');
  }

  /**
   * Resolves once the start-up work of every loop started so far is over — what a caller
   * that must not race it (a test harness after boot) waits for.
   */
  async startupsDone(): Promise<void> {
    await Promise.all(this.startups);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    const passes = [...this.inFlight.values()];
    if (passes.length === 0) return;
    for (const { controller } of passes) controller.abort(new Error('server shutting down'));
    await this.shutdown.waitFor(Promise.allSettled(passes.map((p) => p.done)));
  }

  /** A pass or the start-up work: never two at once per loop (nor after shutdown). */
  private begin(
    loop: LoopDefinition,
    work: LoopWork,
    what: 'pass' | 'start-up',
  ): Promise<LoopOutcome> {
    if (this.stopped) return Promise.resolve(this.skipped(loop, 'stopped'));
    if (this.inFlight.has(loop.name)) return Promise.resolve(this.skipped(loop, 'overlap'));
    const controller = new AbortController();
    const done = this.run(loop, work, what, controller).finally(() =>
      this.inFlight.delete(loop.name),
    );
    this.inFlight.set(loop.name, { controller, done });
    return done;
  }

  /** Timed, locked, logged, counted; never thrown. */
  private async run(
    loop: LoopDefinition,
    work: LoopWork,
    what: 'pass' | 'start-up',
    controller: AbortController,
  ): Promise<LoopOutcome> {
    const logger = new Logger(loop.name);
    const startedAt = performance.now();
    const elapsedMs = () => performance.now() - startedAt;
    const durationMs = () => Math.round(elapsedMs());
    const deadline =
      loop.deadlineMs === undefined
        ? undefined
        : this.clock.setTimeout(
            () => controller.abort(new Error(`pass deadline of ${loop.deadlineMs} ms passed`)),
            loop.deadlineMs,
          );
    const pass: LoopPass = { signal: controller.signal };
    try {
      const ran =
        loop.lockKey === undefined
          ? { locked: true, summary: await work(pass) }
          : await this.underLock(loop.lockKey, () => work(pass));
      this.liveness.record(loop.name, this.clock.now());
      if (!ran.locked) {
        logger.debug(`${what} skipped: another replica holds the lock`);
        return this.skipped(loop, 'locked');
      }
      this.metrics.pass(loop.name, 'done', elapsedMs() / 1000);
      if (ran.summary) {
        if (loop.actions) this.metrics.acted(loop.name, loop.actions, ran.summary);
        logger.log({ ...ran.summary, durationMs: durationMs() }, `${what} done`);
        return { status: 'done', summary: ran.summary };
      }
      logger.debug({ durationMs: durationMs() }, `${what} done: nothing to do`);
      return { status: 'done' };
    } catch (err) {
      this.metrics.pass(loop.name, 'failed', elapsedMs() / 1000);
      logger.error({ err, durationMs: durationMs() }, `${what} failed; will retry next interval`);
      return { status: 'failed', error: err };
    } finally {
      deadline?.cancel();
    }
  }

  private skipped(loop: LoopDefinition, reason: 'stopped' | 'overlap' | 'locked'): LoopOutcome {
    this.metrics.pass(loop.name, 'skipped');
    return { status: 'skipped', reason };
  }

  private async underLock(
    key: number,
    work: () => Promise<PassSummary>,
  ): Promise<{ locked: boolean; summary?: PassSummary }> {
    const client = await this.db.connect();
    // A connection whose unlock failed still holds the session lock: it is closed, never
    // returned to the pool, so the lock cannot outlive this pass.
    let broken: Error | undefined;
    // Bounded like every statement: a database that stopped answering fails the pass, and the
    // connection is dropped rather than handed on with the lock query stuck on it.
    const timeout = { query_timeout: this.db.statementTimeoutMs };
    try {
      const { rows } = await client
        .query<{ locked: boolean }>({
          text: 'SELECT pg_try_advisory_lock($1) AS locked',
          values: [key],
          ...timeout,
        } as QueryConfig)
        .catch((err: Error) => {
          broken = err;
          throw err;
        });
      if (!rows[0]?.locked) return { locked: false };
      try {
        return { locked: true, summary: await work() };
      } finally {
        await client
          .query({
            text: 'SELECT pg_advisory_unlock($1)',
            values: [key],
            ...timeout,
          } as QueryConfig)
          .catch((err: Error) => {
            broken = err;
          });
      }
    } finally {
      client.release(broken);
    }
  }
}
