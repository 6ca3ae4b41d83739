import { Injectable, Logger } from '@nestjs/common';
import { WorkspaceTokens } from '../../common/auth/workspace-tokens.service';
import { WorkspaceTokensRepository } from '../../common/auth/workspace-tokens.repository';
import { internalError, notFound, tooManyRequests } from '../../common/http/api-error';
import { parseUuid } from '../../common/http/uuid';
import { PgError, pgErrorCode } from '../../database/database.service';
import { TokenPage } from './token-page';
import { TokenWorkspacesRepository } from './token-workspaces.repository';

/** A workspace may hold at most this many live tokens (spec 01 §7.1). */
export const MAX_LIVE_TOKENS = 50;

export interface TokenListing {
  tokens: { id: string; prefix: string; created_at: Date; last_used_at: Date | null }[];
  count: number;
}

/**
 * The rules behind the workspace-token endpoints: list, mint (capped), revoke, and the test
 * mint. Workspace ids arrive canonical; plaintext tokens are returned once and never logged.
 */
@Injectable()
export class WorkspaceTokenAdmin {
  private readonly logger = new Logger(WorkspaceTokenAdmin.name);

  constructor(
    private readonly tokens: WorkspaceTokensRepository,
    private readonly issuer: WorkspaceTokens,
    private readonly workspaces: TokenWorkspacesRepository,
  ) {}

  /** Live tokens, newest first. */
  async list(workspaceId: string, page: TokenPage): Promise<TokenListing> {
    const rows = await this.orFail(
      this.tokens.listLive(workspaceId, page.limit, page.offset),
      'failed to list tokens',
    );
    return { tokens: rows, count: rows.length };
  }

  /** Mints one more token for an existing workspace, unless it already holds the maximum. */
  async create(workspaceId: string): Promise<string> {
    await this.requireWorkspace(workspaceId, 'failed to create token');
    const live = await this.orFail(this.tokens.countLive(workspaceId), 'failed to create token');
    if (live >= MAX_LIVE_TOKENS) throw tooManyRequests('maximum 50 active tokens per workspace');
    return this.issue(workspaceId, 'failed to create token');
  }

  /** Revokes a live token of this workspace; anything else (absent, revoked, foreign) is 404. */
  async revoke(workspaceId: string, rawTokenId: string): Promise<void> {
    const tokenId = parseUuid(rawTokenId);
    const revoked = tokenId
      ? await this.orFail(this.tokens.revoke(workspaceId, tokenId), 'failed to revoke token')
      : 0;
    if (revoked === 0) throw notFound('token not found or already revoked');
  }

  /** The test/bootstrap mint: any existing workspace, existing tokens stay live. */
  async mintTestToken(workspaceId: string): Promise<string> {
    await this.requireWorkspace(workspaceId, 'lookup failed');
    return this.issue(workspaceId, 'token issue failed');
  }

  private async requireWorkspace(workspaceId: string, failure: string): Promise<void> {
    if (!(await this.orFail(this.workspaces.exists(workspaceId), failure)))
      throw notFound('workspace not found');
  }

  private async issue(workspaceId: string, failure: string): Promise<string> {
    try {
      return await this.issuer.issue(workspaceId);
    } catch (err) {
      // The workspace was purged between the existence check and the insert.
      if (pgErrorCode(err) === PgError.foreignKeyViolation) throw notFound('workspace not found');
      this.logger.error({ err, workspaceId }, failure);
      throw internalError(failure);
    }
  }

  private async orFail<T>(query: Promise<T>, failure: string): Promise<T> {
    try {
      return await query;
    } catch (err) {
      this.logger.error({ err }, failure);
      throw internalError(failure);
    }
  }
}
