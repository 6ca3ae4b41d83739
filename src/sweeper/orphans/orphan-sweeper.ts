import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { BackgroundLoops, LoopDefinition, LoopOutcome } from '../../common/loops/background-loops';
import { LockKeys } from '../../common/loops/lock-keys';
import { LoopNames } from '../../common/loops/loop-names';
import { AppConfig } from '../../config/app-config';
import { ComputeBackends } from '../../provisioner/compute-backends';
import { Provisioner } from '../../provisioner/provisioner.port';
import { compactSummary, NOT_ABORTED } from '../pass-summary';
import { OrphanRepository } from './orphan.repository';
import { prefixPatterns } from './workspace-id-prefix';

/** A sweep that has not finished by then stops starting new work (spec 04 §7.1). */
export const ORPHAN_SWEEP_DEADLINE_MS = 30_000;

/** What one sweep did; only non-zero counts are reported. */
export type OrphanSweepSummary = {
  /** Containers of `removed` workspaces stopped. */
  removedReaped?: number;
  /** Labelled containers whose workspace has no row at all (wiped database) stopped. */
  unknownReaped?: number;
  /** Workspaces with no container whose stale tokens were revoked, and how many tokens. */
  staleTokenWorkspaces?: number;
  tokensRevoked?: number;
  /** Passes that could not run (their engine list or query failed); the others still ran. */
  failedPasses?: string[];
};

/**
 * Heals what the API cannot see, in Docker mode (spec 04 §7.1, seed 4915d1d5, 3332e687,
 * 31719646). Three independent passes — an error or an empty result in one never stops
 * the others:
 *
 * 1. containers of `removed` workspaces: stopped, then their config volume removed;
 * 2. labelled containers whose workspace has no row at all (a wiped database): reaped the
 *    same way. Unlabelled containers may belong to another stack on a shared engine and are
 *    never touched;
 * 3. stale tokens: a workspace with no container (running or stopped) holding live tokens
 *    unused for `STALE_TOKEN_GRACE_SECONDS` had its `/configs` wiped out of band; its fresh
 *    container has no token and would get 401 forever, so those tokens are revoked.
 */
@Injectable()
export class OrphanSweeper implements OnApplicationBootstrap {
  private readonly logger = new Logger(OrphanSweeper.name);

  readonly loop: LoopDefinition;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly backends: ComputeBackends,
    private readonly orphans: OrphanRepository,
    private readonly loops: BackgroundLoops,
  ) {
    this.loop = {
      name: LoopNames.orphanSweeper,
      intervalMs: config.orphanSweepIntervalMs,
      lockKey: LockKeys.orphanSweeper,
      actions: ['removedReaped', 'unknownReaped', 'tokensRevoked'],
      deadlineMs: ORPHAN_SWEEP_DEADLINE_MS,
      // One sweep right away: leftovers of a previous run are reaped at boot.
      startup: (pass) => this.sweep(pass?.signal),
      tick: (pass) => this.sweep(pass?.signal),
    };
  }

  onApplicationBootstrap(): void {
    if (!this.backends.docker) {
      this.logger.log('no Docker provisioner: orphan sweeper disabled');
      return;
    }
    // Not awaited: boot never waits on the engine.
    void this.loops.start(this.loop);
  }

  /** One sweep under the loop's lock, as the interval runs it. */
  runPass(): Promise<LoopOutcome> {
    return this.loops.tryPass(this.loop);
  }

  /** The three passes. Without a Docker provisioner there is nothing to compare against. */
  async sweep(signal: AbortSignal = NOT_ABORTED): Promise<OrphanSweepSummary | undefined> {
    const docker = this.backends.docker;
    if (!docker) return undefined;
    const summary: OrphanSweepSummary = {};
    const failed: string[] = [];
    const pass = async (name: string, run: () => Promise<void>) => {
      try {
        await run();
      } catch (err) {
        failed.push(name);
        this.logger.warn({ err, pass: name }, 'orphan sweep pass skipped');
      }
    };
    await pass('removed-rows', async () => {
      summary.removedReaped = await this.reapRemovedRows(docker, signal);
    });
    await pass('unknown-labelled', async () => {
      summary.unknownReaped = await this.reapLabelledWithoutRows(docker, signal);
    });
    await pass('stale-tokens', async () => {
      const { workspaces, tokens } = await this.revokeStaleTokens(docker);
      summary.staleTokenWorkspaces = workspaces;
      summary.tokensRevoked = tokens;
    });
    if (failed.length > 0) summary.failedPasses = failed;
    return compactSummary(summary);
  }

  private async reapRemovedRows(docker: Provisioner, signal: AbortSignal): Promise<number> {
    const patterns = prefixPatterns(await docker.listWorkspaceContainerIdPrefixes());
    if (patterns.length === 0) return 0;
    const ids = await this.orphans.removedMatching(patterns.map((p) => p.pattern));
    let reaped = 0;
    for (const id of ids) {
      if (signal.aborted) break;
      if (await this.reap(docker, id, 'workspace removed')) reaped++;
    }
    return reaped;
  }

  private async reapLabelledWithoutRows(docker: Provisioner, signal: AbortSignal): Promise<number> {
    const patterns = prefixPatterns(await docker.listManagedContainerIdPrefixes());
    if (patterns.length === 0) return 0;
    const known = await this.orphans.patternsWithRows(patterns.map((p) => p.pattern));
    let reaped = 0;
    for (const { prefix, pattern } of patterns) {
      if (known.has(pattern)) continue;
      if (signal.aborted) break;
      // The engine truncates ids to 12 characters: the prefix names the same container and volumes.
      if (await this.reap(docker, prefix, 'no workspace row')) reaped++;
    }
    return reaped;
  }

  private async revokeStaleTokens(
    docker: Provisioner,
  ): Promise<{ workspaces: number; tokens: number }> {
    // Listed fresh, right before the query: never revoke on stale information. An empty
    // list is not a short-circuit — "no container at all" is the case this pass exists for.
    const patterns = prefixPatterns(await docker.listWorkspaceContainerIdPrefixes());
    const unusedSince = new Date(
      this.clock.now().getTime() - this.config.staleTokenGraceSeconds * 1000,
    );
    const candidates = await this.orphans.workspacesWithStaleTokens(
      patterns.map((p) => p.pattern),
      unusedSince,
    );
    let workspaces = 0;
    let tokens = 0;
    for (const workspaceId of candidates) {
      let revoked: number;
      try {
        revoked = await this.orphans.revokeStaleTokens(workspaceId, unusedSince);
      } catch (err) {
        // The next sweep retries; hammering a failing database for every candidate helps nobody.
        this.logger.error(
          { err, workspaceId },
          'stale token revocation failed; retrying next sweep',
        );
        break;
      }
      if (revoked === 0) continue;
      workspaces++;
      tokens += revoked;
      this.logger.warn(
        { workspaceId, revoked },
        'revoked stale tokens of a workspace with no container',
      );
    }
    return { workspaces, tokens };
  }

  /** Stop, then remove the config volume — only once the stop worked (it is in use until then). */
  private async reap(docker: Provisioner, id: string, reason: string): Promise<boolean> {
    try {
      await docker.stop(id);
    } catch (err) {
      this.logger.warn(
        { err, id, reason },
        'orphan container stop failed; volume kept for next sweep',
      );
      return false;
    }
    try {
      await docker.removeVolume(id);
    } catch (err) {
      this.logger.warn({ err, id, reason }, 'orphan config volume removal failed');
    }
    this.logger.log({ id, reason }, 'orphan container reaped');
    return true;
  }
}
