import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Clock, TimerHandle } from '../../common/clock/clock';
import { BackgroundLoops } from '../../common/loops/background-loops';
import { LoopNames } from '../../common/loops/loop-names';
import { LogContext } from '../../common/observability/log-context';
import { ShutdownSignal } from '../../common/shutdown/shutdown-signal';
import { AppConfig } from '../../config/app-config';
import { ComputeBackends } from '../../provisioner/compute-backends';
import { ClaimLeases } from './claim-leases';
import { ClaimLost, CycleContext, ReconcileFailure } from './reconcile-action';
import { ReconcileActions } from './reconcile-actions';
import { CycleResult, ReconcileMetrics } from './reconcile-metrics';
import { ReconcileRepository, ReconcileRow } from './reconcile.repository';

/** Failed attempts are retried after 5 s, doubling up to 5 minutes (or at once on a new request). */
export const RETRY_BACKOFF = { baseSeconds: 5, maxSeconds: 300 } as const;
/** How often a caller waiting on an outcome re-reads it (other replicas' cycles). */
const OUTCOME_POLL_MS = 250;

export type Outcome = 'done' | 'failed';

/**
 * Drives each workspace's compute to its desired state (ARCHITECTURE.md "Lifecycle as a
 * reconciler"; Kubernetes controllers, Daytona's sandbox manager).
 *
 * Triggers only write the desire and bump the workspace's generation, then `nudge` it. A
 * replica claims a workspace (a row claim with a renewed lease), runs the action for its
 * desired state, records what it observed for the generation it read, and repeats until the
 * generations agree; then it lets go — atomically, only if nothing new arrived (see
 * `RELEASE_IF_IDLE`). So requests arriving during a cycle cost exactly one more cycle, two
 * replicas never act on one workspace at once, and a crashed replica's work is picked up by
 * the level-triggered scan once its lease lapses.
 *
 * Why a claimed row and not a session advisory lock: a provision can take minutes (image
 * pulls), and an advisory lock would pin a pooled connection for all that time per workspace;
 * the row claim holds no connection, is visible to operators (`reconcile_owner`), is keyed by
 * the exact workspace id (no hash collisions making workspaces wait on each other), fences
 * every write of a cycle, and its takeover bound is the configured lease.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(Reconciler.name);
  /** This replica's claim token (unique per process). */
  readonly owner = randomUUID();
  /** Workspaces with a cycle loop (or its claim attempt) on this replica: at most one each. */
  private readonly active = new Set<string>();
  /**
   * Nudged workspaces waiting for a free slot, in arrival order, with the request that asked
   * (its id tags the cycles' log lines).
   */
  private readonly queue = new Map<string, string | undefined>();
  private readonly leases: ClaimLeases;
  private readonly finishedListeners = new Set<(id: string) => void>();
  private readonly drives = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly backends: ComputeBackends,
    private readonly repository: ReconcileRepository,
    private readonly actions: ReconcileActions,
    private readonly loops: BackgroundLoops,
    private readonly metrics: ReconcileMetrics,
    private readonly logs: LogContext,
    private readonly shutdown: ShutdownSignal,
  ) {
    this.leases = new ClaimLeases(repository, clock, this.owner, config.reconcileLeaseMs);
  }

  onApplicationBootstrap(): void {
    this.loops.start({
      name: LoopNames.reconcile,
      intervalMs: this.config.reconcileScanIntervalMs,
      tick: () => this.scan(),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.queue.clear();
    if (this.drives.size === 0) return;
    // Cycles in flight get until the shutdown deadline; their claims lapse otherwise.
    await this.shutdown.waitFor(Promise.allSettled([...this.drives]));
  }

  /** Asks for the workspaces to be reconciled now; cheap and safe to call for any id. */
  nudge(ids: Iterable<string>): void {
    if (this.stopping) return;
    const requestId = this.logs.currentRequestId();
    for (const id of ids) if (!this.active.has(id)) this.queue.set(id, requestId);
    this.pump();
  }

  /**
   * One pass of the level-triggered scan: claims unsettled workspaces nobody drives (left by a
   * crashed replica, or due for a retry) up to the free slots.
   */
  async scan(): Promise<{ claimed: number } | undefined> {
    // A replica without compute takes nothing over: it could only fail provisions (and
    // "remove" workspaces without stopping them) that a replica with a backend can do right.
    if (!this.backends.any) return undefined;
    const free = this.config.reconcileConcurrency - this.active.size - this.queue.size;
    if (this.stopping || free <= 0) return undefined;
    const ids = await this.repository.claimDue(this.owner, this.config.reconcileLeaseMs, free, [
      ...this.active,
    ]);
    if (ids.length === 0) return undefined;
    this.nudge(ids);
    return { claimed: ids.length };
  }

  /**
   * Waits until each workspace's cycles reached `generation` (done) or an attempt at it failed
   * (failed), for at most `budgetMs`; what is still pending then counts as failed. Cycles run
   * on whichever replica holds the workspace: local ones are noticed at once, others by polling.
   */
  async awaitOutcomes(
    generations: ReadonlyMap<string, number>,
    budgetMs: number,
  ): Promise<Map<string, Outcome>> {
    const outcomes = new Map<string, Outcome>();
    if (generations.size === 0) return outcomes;
    let wake: (() => void) | undefined;
    let changes = 0;
    const listener = (id: string) => {
      if (!generations.has(id)) return;
      changes++;
      wake?.();
    };
    this.finishedListeners.add(listener);
    let expired = false;
    const deadline = this.clock.setTimeout(() => {
      expired = true;
      wake?.();
    }, budgetMs);
    try {
      while (!expired) {
        const seen = changes;
        const pending = [...generations.keys()].filter((id) => !outcomes.has(id));
        const rows = new Map((await this.repository.progress(pending)).map((p) => [p.id, p]));
        for (const id of pending) {
          const p = rows.get(id);
          const target = generations.get(id)!;
          // A row that no longer exists has nothing left to reconcile.
          if (!p || p.observed_generation >= target) outcomes.set(id, 'done');
          else if ((p.reconcile_error_generation ?? -1) >= target) outcomes.set(id, 'failed');
        }
        if (outcomes.size === generations.size) break;
        if (changes !== seen) continue;
        let poll: TimerHandle | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          poll = this.clock.setTimeout(resolve, OUTCOME_POLL_MS);
        });
        poll?.cancel();
        wake = undefined;
      }
    } finally {
      deadline.cancel();
      this.finishedListeners.delete(listener);
    }
    for (const id of generations.keys()) if (!outcomes.has(id)) outcomes.set(id, 'failed');
    return outcomes;
  }

  private pump(): void {
    for (const [id, requestId] of this.queue) {
      if (this.active.size >= this.config.reconcileConcurrency) return;
      this.queue.delete(id);
      if (this.active.has(id)) continue;
      this.active.add(id);
      // Under the id of the request that asked — never of whichever cycle ended just now.
      const drive = this.logs.run(requestId, () => this.claimAndDrive(id));
      this.drives.add(drive);
      void drive.finally(() => {
        this.drives.delete(drive);
        this.active.delete(id);
        this.pump();
      });
    }
  }

  private async claimAndDrive(id: string): Promise<void> {
    try {
      if (!(await this.repository.claim(id, this.owner, this.config.reconcileLeaseMs))) return;
    } catch (err) {
      this.logger.error({ err, workspaceId: id }, 'reconcile claim failed; the scan retries');
      return;
    }
    this.leases.hold(id);
    try {
      await this.drive(id);
    } catch (err) {
      if (err instanceof ClaimLost) {
        this.logger.warn({ workspaceId: id }, 'stopped driving a workspace another replica took');
        return;
      }
      // The database failed between cycles: let go; the scan picks the workspace up again.
      this.logger.error({ err, workspaceId: id }, 'reconcile loop failed; releasing the claim');
      await this.repository.release(id, this.owner).catch(() => undefined);
    } finally {
      this.leases.drop(id);
    }
  }

  /** Cycles until the workspace is settled (or backing off), then lets go of it. */
  private async drive(id: string): Promise<void> {
    const cycle: CycleContext = { owner: this.owner, ensureClaim: () => this.leases.ensure(id) };
    for (;;) {
      const row = await this.repository.read(id, this.owner);
      if (!row) return; // the claim lapsed and another replica took the workspace
      if (row.desired_generation === row.observed_generation || row.backing_off) {
        if (await this.repository.releaseIfIdle(id, this.owner)) return;
        continue; // something arrived since the read: go round again
      }
      if (this.stopping) {
        await this.repository.release(id, this.owner);
        return;
      }
      await this.runCycle(row, cycle);
      for (const listener of this.finishedListeners) listener(id);
    }
  }

  private async runCycle(row: ReconcileRow, cycle: CycleContext): Promise<void> {
    const action = this.actions.for(row.desired_state);
    const startedMs = performance.now();
    let result: CycleResult = 'failed';
    try {
      const outcome = await action.run(row, cycle);
      if (outcome === 'superseded') {
        result = 'superseded';
        return;
      }
      await this.repository.recordObserved(row.id, this.owner, outcome, row.desired_generation);
      result = outcome === row.desired_state ? 'done' : 'failed';
    } catch (err) {
      if (err instanceof ClaimLost) {
        result = 'superseded';
        throw err;
      }
      const reason = err instanceof ReconcileFailure ? err.reason : 'reconcile cycle failed';
      if (!(err instanceof ReconcileFailure)) {
        // A bug or an outage: logged with its stack, and retried after the backoff.
        this.logger.error(
          { err, workspaceId: row.id, desired: row.desired_state },
          'reconcile cycle threw; will retry',
        );
      }
      await this.repository.recordFailure(
        row.id,
        this.owner,
        reason,
        row.desired_generation,
        RETRY_BACKOFF,
      );
    } finally {
      const durationMs = performance.now() - startedMs;
      this.metrics.cycle(row.desired_state, result, durationMs / 1000);
      this.logger.log(
        {
          workspaceId: row.id,
          desired: row.desired_state,
          generation: row.desired_generation,
          outcome: result,
          durationMs: Math.round(durationMs),
        },
        'reconcile cycle',
      );
    }
  }
}
