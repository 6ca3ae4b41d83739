import { Injectable } from '@nestjs/common';
import { parseUuid } from '../http/uuid';
import { CredentialRepository } from './credential.repository';
import { hashToken, mintToken } from './token-codec';
import { WorkspaceTokensRepository } from './workspace-tokens.repository';

/**
 * The outcome of the "own token once it has one" gate:
 * - `open`: the workspace holds no live token yet (bootstrap / legacy grandfathering);
 * - `valid`: the bearer is a live token of this workspace;
 * - `missing` / `invalid`: the workspace has tokens and the bearer is absent / not one of them.
 */
export type TokenGate = 'open' | 'valid' | 'missing' | 'invalid';

/** Workspace bearer tokens: mint, validate, revoke. Plaintext is returned once and never logged. */
@Injectable()
export class WorkspaceTokens {
  constructor(
    private readonly tokens: WorkspaceTokensRepository,
    private readonly credentials: CredentialRepository,
  ) {}

  /** Mints a new live token for the workspace (existing tokens stay live). */
  async issue(workspaceId: string): Promise<string> {
    const minted = mintToken();
    await this.tokens.insert(workspaceId, minted.hash, minted.prefix);
    return minted.plaintext;
  }

  hasLive(workspaceId: string): Promise<boolean> {
    return this.tokens.hasLive(workspaceId);
  }

  /**
   * True when `token` is a live token of `workspaceId` and that workspace is not removed.
   * Every failure is the same `false`; database errors propagate (auth fails closed).
   */
  async validate(workspaceId: string, token: string): Promise<boolean> {
    const id = parseUuid(workspaceId);
    if (!id || token === '') return false;
    const credential = await this.credentials.lookup(hashToken(token), id);
    return credential?.kind === 'workspace';
  }

  /**
   * Applies the grandfathering rule for `workspaceId` (a canonical UUID) to a presented
   * bearer, in one round trip. Database errors propagate: callers fail closed.
   */
  async gate(workspaceId: string, token: string): Promise<TokenGate> {
    const { hasLive, valid } = await this.tokens.gate(
      workspaceId,
      token === '' ? null : hashToken(token),
    );
    if (!hasLive) return 'open';
    if (token === '') return 'missing';
    return valid ? 'valid' : 'invalid';
  }

  revokeAll(workspaceIds: readonly string[]): Promise<number> {
    return this.tokens.revokeAll(workspaceIds);
  }
}
