import { Injectable } from '@nestjs/common';
import { requireOwnTokenIfAny } from '../common/auth/token-gate';
import { WorkspaceTokens } from '../common/auth/workspace-tokens.service';
import { ApiError, internalError } from '../common/http/api-error';
import { WorkspaceRepository } from './workspace.repository';

/**
 * `GET /workspaces/:id/state`: what an agent polls to learn it was paused or deleted.
 * Deleted workspaces answer 404 with `deleted: true` (no `error` key — clients read the flag).
 */
@Injectable()
export class WorkspaceStateService {
  constructor(
    private readonly workspaces: WorkspaceRepository,
    private readonly tokens: WorkspaceTokens,
  ) {}

  async state(
    id: string,
    authorization: string | string[] | undefined,
  ): Promise<Record<string, unknown>> {
    await requireOwnTokenIfAny(this.tokens, id, authorization);
    let status: string | null | undefined;
    try {
      status = await this.workspaces.status(id);
    } catch {
      throw internalError('query failed');
    }
    if (status === undefined) throw ApiError.raw(404, { workspace_id: id, deleted: true });
    if (status === 'removed')
      throw ApiError.raw(404, { workspace_id: id, status: 'removed', deleted: true });
    return { workspace_id: id, status, paused: status === 'paused', deleted: false };
  }
}
