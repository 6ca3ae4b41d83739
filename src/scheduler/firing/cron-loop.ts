import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { BackgroundLoops, LoopDefinition } from '../../common/loops/background-loops';
import { LoopNames } from '../../common/loops/loop-names';
import { ShutdownSignal } from '../../common/shutdown/shutdown-signal';
import { AppConfig } from '../../config/app-config';
import { ClaimDecision, decideClaim, nextRunOrNull } from './claim-decision';
import { DueSchedulesRepository } from './due-schedules.repository';
import { FireMetrics } from './fire-metrics';
import { RunStatus } from './fire-outcome';
import { FireSlots } from './fire-slots';
import { FIRE_TIMEOUT_MS, ScheduleFirer } from './schedule-firer';

/** Fires in flight per replica. */
export const MAX_CONCURRENT_FIRES = 64;
/** Due rows claimed per transaction (never more than the free slots). */
export const CLAIM_BATCH = 64;
/** A fire claimed longer ago than this lost its replica: its row may be claimed again. */
const ORPHANED_FIRE_MS = FIRE_TIMEOUT_MS + 60_000;
/** Without a graceful shutdown (an app closed directly), how long fires in flight get. */
const SHUTDOWN_GRACE_MS = 10_000;

export interface TickSummary extends Record<string, unknown> {
  claimed: number;
  fired: number;
  deferred: number;
  skipped: number;
  nativeSkipped: number;
  inFlight: number;
  /** Outcomes of fires that finished since the previous tick's log line. */
  finished: Partial<Record<RunStatus, number>>;
}

/**
 * The cron loop (spec 05 §3), as a level-triggered loop safe with many replicas: every
 * `SCHEDULER_POLL_INTERVAL_MS` each replica claims due rows with `FOR UPDATE SKIP LOCKED` and
 * commits their next `next_run_at` in the claiming transaction, so each slot fires once
 * wherever it is claimed. Fires run in a bounded set of slots and outlive the tick: a slow
 * agent delays neither the other fires nor the next tick. The tick keeps claiming while rows
 * are due and slots free up.
 */
@Injectable()
export class CronLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly slots = new FireSlots(MAX_CONCURRENT_FIRES);
  private finished: Partial<Record<RunStatus, number>> = {};
  private stopping = false;
  readonly definition: LoopDefinition;

  constructor(
    config: AppConfig,
    private readonly loops: BackgroundLoops,
    private readonly due: DueSchedulesRepository,
    private readonly firer: ScheduleFirer,
    private readonly clock: Clock,
    private readonly metrics: FireMetrics,
    private readonly shutdown: ShutdownSignal,
  ) {
    this.definition = {
      name: LoopNames.scheduler,
      intervalMs: config.schedulerPollIntervalMs,
      startup: () => this.repairMissingNextRuns(),
      tick: () => this.tick(),
    };
  }

  onApplicationBootstrap(): Promise<void> {
    return this.loops.start(this.definition);
  }

  /** Fires in flight record their outcome, until the shutdown deadline. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.shutdown.waitFor(this.slots.whenIdle(), SHUTDOWN_GRACE_MS);
  }

  /** One tick now (tests; production ticks come from BackgroundLoops). */
  runTick(): Promise<void> {
    return this.loops.runOnce(this.definition);
  }

  /** Resolves once every fire started so far has recorded its outcome (tests, shutdown). */
  whenIdle(): Promise<void> {
    return this.slots.whenIdle();
  }

  async tick(): Promise<TickSummary> {
    const summary: TickSummary = {
      claimed: 0,
      fired: 0,
      deferred: 0,
      skipped: 0,
      nativeSkipped: 0,
      inFlight: 0,
      finished: {},
    };
    while (!this.stopping) {
      await this.slots.whenFree();
      const limit = Math.min(this.slots.free, CLAIM_BATCH);
      const now = this.clock.now();
      const claims = await this.due.claim(
        now,
        new Date(now.getTime() - ORPHANED_FIRE_MS),
        limit,
        (row) => decideClaim(row, now),
      );
      summary.claimed += claims.length;
      for (const claim of claims) await this.act(claim, summary);
      if (claims.length < limit) break;
    }
    summary.inFlight = this.slots.inFlight;
    summary.finished = this.finished;
    this.finished = {};
    return summary;
  }

  private async act(claim: ClaimDecision, summary: TickSummary): Promise<void> {
    switch (claim.kind) {
      case 'fire':
        summary.fired++;
        this.metrics.claimedLate((this.clock.now().getTime() - claim.row.dueAt.getTime()) / 1000);
        this.slots.run(() => this.firer.fire(claim.row).then((status) => this.count(status)));
        return;
      case 'skip':
        summary.skipped++;
        this.count(await this.firer.skip(claim.row, claim.row.activeTasks));
        return;
      case 'defer':
        summary.deferred++;
        return;
      case 'native':
        summary.nativeSkipped++;
        return;
    }
  }

  private count(status: RunStatus): void {
    this.metrics.recorded(status);
    this.finished[status] = (this.finished[status] ?? 0) + 1;
  }

  /**
   * Start-up repair (spec 05 §3.7): enabled rows without a next run get one from now,
   * whatever their workspace's state (a hibernated workspace's schedule must still wake it).
   */
  private async repairMissingNextRuns(): Promise<Record<string, unknown> | void> {
    const rows = await this.due.missingNextRun();
    if (rows.length === 0) return;
    const now = this.clock.now();
    const repairs = rows
      .map((row) => ({
        id: row.id,
        nextRunAt: nextRunOrNull({ cronExpr: row.cron_expr, timezone: row.timezone }, now),
      }))
      .filter((r): r is { id: string; nextRunAt: Date } => r.nextRunAt !== null);
    await this.due.repairNextRuns(now, repairs);
    return { repaired: repairs.length, unrepairable: rows.length - repairs.length };
  }
}
