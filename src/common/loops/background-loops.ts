import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
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

  start(loop: LoopDefinition): void {
    // A longer interval would make Node run the loop every millisecond instead.
    const intervalMs = Math.min(loop.intervalMs, MAX_TIMER_DELAY_MS);
    const timer = setInterval(() => void this.runOnce(loop), intervalMs);
    timer.unref();
    this.scheduler.addInterval(loop.name, timer);
  }

  /** Runs one pass now (also what tests call instead of waiting for the interval). */
  async runOnce(loop: LoopDefinition): Promise<void> {
    if (this.stopped || this.running.has(loop.name)) return;
    this.running.add(loop.name);
    const logger = new Logger(loop.name);
    try {
      const summary =
        loop.lockKey === undefined
          ? await loop.tick()
          : await this.underLock(loop.lockKey, loop.tick);
      if (summary) logger.log(summary, 'pass done');
      this.liveness.record(loop.name, this.clock.now());
    } catch (err) {
      logger.error({ err }, 'pass failed; will retry next interval');
    } finally {
      this.running.delete(loop.name);
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
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
