import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock/clock';
import { LeaseRenewer } from '../../common/leases/lease-renewer';
import { BackgroundLoops, LoopDefinition } from '../../common/loops/background-loops';
import { LoopNames } from '../../common/loops/loop-names';
import { ShutdownSignal } from '../../common/shutdown/shutdown-signal';
import { AppConfig } from '../../config/app-config';
import {
  ClaimDecision,
  decideClaim,
  FireOrder,
  nextRunOrNull,
  OrphanDecision,
} from './claim-decision';
import { DueSchedulesRepository } from './due-schedules.repository';
import { FireMetrics } from './fire-metrics';
import { FireSlots } from './fire-slots';
import { FireResult, ScheduleFirer } from './schedule-firer';

/** Fires in flight per replica. */
export const MAX_CONCURRENT_FIRES = 64;
/** Due rows claimed per transaction (never more than the free slots). */
export const CLAIM_BATCH = 64;

export interface TickSummary extends Record<string, unknown> {
  claimed: number;
  /** Fires of dead replicas taken over: sent now (never sent before), or recorded interrupted. */
  resumed: number;
  interrupted: number;
  fired: number;
  deferred: number;
  skipped: number;
  nativeSkipped: number;
  inFlight: number;
  /** Outcomes of fires that finished since the previous tick's log line. */
  finished: Partial<Record<FireResult, number>>;
}

/**
 * The cron loop (spec 05 §3), as a level-triggered loop safe with many replicas: every
 * `SCHEDULER_POLL_INTERVAL_MS` each replica claims due rows with `FOR UPDATE SKIP LOCKED` and
 * commits their next `next_run_at` in the claiming transaction, so each slot fires once
 * wherever it is claimed. Fires run in a bounded set of slots and outlive the tick: a slow
 * agent delays neither the other fires nor the next tick. The tick keeps claiming while rows
 * are due and slots free up.
 *
 * A claimed fire is this replica's under a lease it renews while the call is out. Should the
 * replica die, its lease lapses and another replica's tick takes the fire over: sent then if
 * its message never left, recorded as interrupted if it did — a slot is neither lost nor fired
 * twice, and the row is free again within `DELIVERY_LEASE_SECONDS` plus one poll.
 */
@Injectable()
export class CronLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CronLoop.name);
  /** This replica's claim token on the fires it holds. */
  readonly owner = randomUUID();
  private readonly slots = new FireSlots(MAX_CONCURRENT_FIRES);
  private readonly leases: LeaseRenewer;
  private finished: Partial<Record<FireResult, number>> = {};
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
    this.leases = new LeaseRenewer(
      clock,
      config.deliveryLeaseMs,
      (ids, until) => due.renewFires(this.owner, ids, until),
      this.logger,
    );
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
    await this.shutdown.waitFor(this.slots.whenIdle());
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
      resumed: 0,
      interrupted: 0,
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
      const claimed = await this.due.claim(
        now,
        { owner: this.owner, until: this.leases.leaseUntil() },
        limit,
        (row) => decideClaim(row, now),
      );
      summary.claimed += claimed.due.length;
      for (const orphan of claimed.orphans) await this.takeOver(orphan, summary);
      for (const claim of claimed.due) await this.act(claim, summary);
      if (claimed.orphans.length + claimed.due.length < limit) break;
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
        this.send({ ...claim.row, messageId: claim.messageId });
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

  private async takeOver(orphan: OrphanDecision, summary: TickSummary): Promise<void> {
    switch (orphan.kind) {
      case 'resume':
        summary.resumed++;
        this.send(orphan.fire);
        return;
      case 'interrupted':
        summary.interrupted++;
        this.count(await this.firer.interrupted(orphan.fire, this.owner));
        return;
      case 'release':
        return;
    }
  }

  /** Sends a fire in a slot, its lease renewed until its outcome is recorded. */
  private send(order: FireOrder): void {
    this.leases.hold(order.id);
    this.slots.run(() =>
      this.firer
        .fire(order, this.owner)
        .then((result) => this.count(result))
        .finally(() => this.leases.release(order.id)),
    );
  }

  private count(status: FireResult): void {
    if (status !== 'lost') this.metrics.recorded(status);
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
