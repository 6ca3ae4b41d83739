import { Injectable, Logger } from '@nestjs/common';
import { WorkspaceTokensRepository } from '../common/auth/workspace-tokens.repository';
import { ApiError, notFound } from '../common/http/api-error';
import { orInternalError } from '../common/http/or-internal-error';
import { Database } from '../database/database.service';
import { EventEmitter } from '../events/event-emitter.port';
import { WorkspaceTeardown } from './provisioning/workspace-teardown';
import { WorkspaceRepository } from './workspace.repository';

export interface RemovalOptions {
  /** `?confirm=true`: a workspace with live children is only removed with its whole subtree. */
  readonly confirm: boolean;
  /** `?purge=true`: hard-delete the rows afterwards. */
  readonly purge: boolean;
}

/**
 * `DELETE /workspaces/:id` (spec 01 §3.5, spec 04 §6). Rows are marked removed (tokens
 * revoked, schedules disabled) in one transaction *before* any compute is touched, so
 * heartbeats and restarts back off; then compute is stopped and the removals announced.
 * Retrying after stop failures is safe: removed rows are removed again.
 */
@Injectable()
export class WorkspaceRemovalService {
  private readonly logger = new Logger(WorkspaceRemovalService.name);

  constructor(
    private readonly db: Database,
    private readonly workspaces: WorkspaceRepository,
    private readonly tokens: WorkspaceTokensRepository,
    private readonly teardown: WorkspaceTeardown,
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

    await orInternalError(
      this.db.transaction(async (tx) => {
        await this.workspaces.markRemoved(tx, all);
        await this.tokens.revokeAll(all, tx);
      }),
      'failed to remove workspace',
      this.logger,
    );

    const stopFailures: string[] = [];
    for (const descendant of descendants) {
      const failure = await this.teardown.stop(descendant);
      if (failure) stopFailures.push(failure);
      await this.events.recordAndBroadcast('WORKSPACE_REMOVED', descendant, {});
    }
    const failure = await this.teardown.stop(id);
    if (failure) stopFailures.push(failure);
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
