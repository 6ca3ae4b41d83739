import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mintToken } from '../../common/auth/token-codec';
import { WorkspaceTokensRepository } from '../../common/auth/workspace-tokens.repository';
import { Database } from '../../database/database.service';
import { ComputeStateRepository } from '../lifecycle/compute-state.repository';

/**
 * The two credentials minted on every provision (spec 04 §4.6): the workspace's bearer token
 * (it authenticates the agent to the platform; only its hash is stored) and the platform
 * inbound secret (the platform authenticates itself to the agent; stored in plaintext to be
 * read back). Both are fenced by the cycle's claim, so a provision overtaken by a delete never
 * leaves a live credential behind.
 */
@Injectable()
export class ProvisionCredentials {
  private readonly logger = new Logger(ProvisionCredentials.name);

  constructor(
    private readonly db: Database,
    private readonly tokens: WorkspaceTokensRepository,
    private readonly compute: ComputeStateRepository,
  ) {}

  /**
   * Revokes every live token of the workspace and mints the one its new container gets, in one
   * transaction (a failure leaves the old tokens as they were and is retried with the cycle).
   * `undefined` when the cycle may no longer provision the workspace.
   */
  async rotateToken(workspaceId: string, owner: string): Promise<string | undefined> {
    return this.db.transaction(async (tx) => {
      if (!(await this.compute.lockWanted(tx, workspaceId, owner))) return undefined;
      await this.tokens.revokeAll([workspaceId], tx);
      const minted = mintToken();
      await this.tokens.insert(workspaceId, minted.hash, minted.prefix, tx);
      return minted.plaintext;
    });
  }

  /**
   * 32 random bytes, base64url (43 characters), stored for the platform to present. A failed
   * write is logged and the provision goes on without one (the agent then has none either).
   */
  async mintInboundSecret(workspaceId: string, owner: string): Promise<string | undefined> {
    const secret = randomBytes(32).toString('base64url');
    try {
      if (await this.compute.storeInboundSecret(workspaceId, owner, secret)) return secret;
    } catch (err) {
      this.logger.error({ err, workspaceId }, 'storing the platform inbound secret failed');
    }
    return undefined;
  }
}
