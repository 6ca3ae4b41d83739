import { Injectable } from '@nestjs/common';
import { parseUuid } from '../http/uuid';
import { CredentialRepository } from './credential.repository';
import { hashToken, mintToken } from './token-codec';
import { WorkspaceTokensRepository } from './workspace-tokens.repository';

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

  revokeAll(workspaceIds: readonly string[]): Promise<number> {
    return this.tokens.revokeAll(workspaceIds);
  }
}
