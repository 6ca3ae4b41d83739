import { Injectable, Logger } from '@nestjs/common';
import { WorkspaceTokensRepository } from '../common/auth/workspace-tokens.repository';
import { ApiError, notFound } from '../common/http/api-error';
import { orInternalError } from '../common/http/or-internal-error';
import { Database } from '../database/database.service';
import { EventEmitter } from '../events/event-emitter.port';
import { Reconciler } from './lifecycle/reconciler';
import { WorkspaceRepository } from './workspace.repository';

export interface RemovalOptions {
  /** `?confirm=true`: a workspace with live children is only removed with its whole subtree. */
  readonly confirm: boolean;
  /** `?purge=true`: hard-delete the rows afterwards. */
  readonly purge: boolean;
}

/** How long a DELETE waits for the compute of its workspaces to be gone (spec 04 §6). */
export const REMOVAL_BUDGET_MS = 30_000;

/**
 * `DELETE /workspaces/:id` (spec 01 §3.5, spec 04 §6). Rows are marked removed (tokens
 * revoked, schedules disabled) in one transaction *before* any compute is touched, so
 * heartbeats and restarts back off; then compute is stopped and the removals announced.
 * Retrying after stop failures is safe: removed rows are removed again (a failed stop is also
 * retried in the background, with a backoff).
 */
@Injectable()
export class WorkspaceRemovalService {
  private readonly logger = new Logger(WorkspaceRemovalService.name);

  constructor(
    private readonly db: Database,
    private readonly workspaces: WorkspaceRepository,
    private readonly tokens: WorkspaceTokensRepository,
    private readonly reconciler: Reconciler,
    private readonly events: EventEmitter,
  ) {}

  async remove(id: string, options: RemovalOptions): Promise<Record<string, unknown>> {
    if (
      (await orInternalError(this.workspaces.status(id), 'lookup failed', this.logger)) ===
      undefined
    ) {
      throw notFound('workspace not found');
    }
    const children = await orInternalError(
      this.workspaces.liveChildren(id),
      'failed to check children',
      this.logger,
    );
    if (children.length > 0 && !options.confirm) {
      throw ApiError.raw(409, {
        status: 'confirmation_required',
        message: 'This workspace has sub-workspaces. Delete with ?confirm=true to cascade delete.',
        children: children.map((c) => ({ id: c.id, name: c.name })),
        children_count: children.length,
      });
    }
    const descendants =
      children.length > 0
        ? await orInternalError(
            this.workspaces.liveDescendants(id),
            'failed to check children',
            this.logger,
          )
        : [];
    const all = [id, ...descendants];

    const generations = await orInternalError(
      this.db.transaction(async (tx) => {
        const marked = await this.workspaces.markRemoved(tx, all);
        await this.tokens.revokeAll(all, tx);
        return marked;
      }),
      'failed to remove workspace',
      this.logger,
    );

    // The reconciler stops the compute under each workspace's claim (so a provision in flight
    // finishes first and can never bring it back); this request waits for the outcome, within
    // the cleanup budget. A client hanging up does not stop the cleanup.
    this.reconciler.nudge(all);
    const outcomes = await this.reconciler.awaitOutcomes(generations, REMOVAL_BUDGET_MS);
    const stopFailures = [...descendants, id]
      .filter((w) => outcomes.get(w) === 'failed')
      .map((w) => `stop ${w}: stop failed`);
    for (const descendant of descendants) {
      await this.events.recordAndBroadcast('WORKSPACE_REMOVED', descendant, {});
    }
    await this.events.recordAndBroadcast('WORKSPACE_REMOVED', id, {
      cascade_deleted: descendants.length,
    });

    if (stopFailures.length > 0) {
      throw ApiError.raw(500, {
        error: `workspace marked removed, but ${stopFailures.length} stop call(s) failed — please retry: ${stopFailures.join('\n')}`,
        removed_count: all.length,
        stop_failures: stopFailures.length,
      });
    }
    if (options.purge) {
      await orInternalError(
        this.db.transaction((tx) => this.workspaces.purge(tx, all)),
        'purge failed',
        this.logger,
      );
      return { status: 'purged', cascade_deleted: descendants.length };
    }
    return { status: 'removed', cascade_deleted: descendants.length };
  }
}
