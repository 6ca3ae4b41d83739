import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Database } from '../../database/database.service';
import { Clock, MAX_TIMER_DELAY_MS } from '../clock/clock';
import { LoopLiveness } from './loop-liveness';

export interface LoopDefinition {
  /** Subsystem name: log context and key on `/admin/liveness`. */
  readonly name: string;
  readonly intervalMs: number;
  /**
   * When set, each pass runs under `pg_try_advisory_lock(lockKey)`: with many replicas one
   * of them does the pass and the others skip it.
   */
  readonly lockKey?: number;
  /** One pass. Returns a summary worth logging, or nothing when there was nothing to do. */
  readonly tick: () => Promise<Record<string, unknown> | void>;
  /**
   * Runs once when the loop starts (repairs before the first pass), never overlapping a
   * pass; the loop reports live once it is done, so liveness is fresh during the first interval.
   */
  readonly startup?: () => Promise<Record<string, unknown> | void>;
}

/**
 * Runs the server's background loops. A pass never overlaps the previous one, an error is
 * logged and the loop carries on with the next interval — a loop never takes the process down.
 */
@Injectable()
export class BackgroundLoops implements OnApplicationShutdown {
  private readonly running = new Set<string>();
  private stopped = false;

  constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly liveness: LoopLiveness,
  ) {}

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
    return loop.startup ? this.run(loop, loop.startup, 'start-up') : Promise.resolve();
  }

  /** Runs one pass now (also what tests call instead of waiting for the interval). */
  runOnce(loop: LoopDefinition): Promise<void> {
    return this.run(loop, loop.tick, 'pass');
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  /** One pass or the start-up work: never two at once per loop, timed, logged, never thrown. */
  private async run(
    loop: LoopDefinition,
    work: LoopDefinition['tick'],
    what: 'pass' | 'start-up',
  ): Promise<void> {
    if (this.stopped || this.running.has(loop.name)) return;
    this.running.add(loop.name);
    const logger = new Logger(loop.name);
    const startedAt = performance.now();
    try {
      const summary =
        loop.lockKey === undefined ? await work() : await this.underLock(loop.lockKey, work);
      const durationMs = Math.round(performance.now() - startedAt);
      if (summary) logger.log({ ...summary, durationMs }, `${what} done`);
      this.liveness.record(loop.name, this.clock.now());
    } catch (err) {
      logger.error({ err }, `${what} failed; will retry next interval`);
    } finally {
      this.running.delete(loop.name);
    }
  }

  private async underLock(
    key: number,
    tick: LoopDefinition['tick'],
  ): Promise<Record<string, unknown> | void> {
    const client = await this.db.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1) AS locked',
        [key],
      );
      if (!rows[0]?.locked) return;
      try {
        return await tick();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [key]);
      }
    } finally {
      client.release();
    }
  }
}
