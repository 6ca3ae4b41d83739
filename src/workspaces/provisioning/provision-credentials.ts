import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mintToken } from '../../common/auth/token-codec';
import { ComputeStateRepository } from '../lifecycle/compute-state.repository';

/** What a new container gets in `/configs`: both plaintexts, shown to nobody else. */
export interface ContainerCredentials {
  readonly token: string;
  readonly inboundSecret: string;
}

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

  constructor(private readonly compute: ComputeStateRepository) {}

  /**
   * Revokes every live token of the workspace, stores the new token's hash and a new inbound
   * secret, in one statement (a failure changes nothing and the cycle is retried).
   * `undefined` when the cycle may no longer provision the workspace.
   */
  async rotate(workspaceId: string, owner: string): Promise<ContainerCredentials | undefined> {
    const minted = mintToken();
    const inboundSecret = newInboundSecret();
    const stored = await this.compute.rotateCredentials(workspaceId, owner, minted, inboundSecret);
    return stored ? { token: minted.plaintext, inboundSecret } : undefined;
  }

  /**
   * The inbound secret alone (control plane: the VM's token comes with its first register). A
   * failed write is logged and the provision goes on without one.
   */
  async mintInboundSecret(workspaceId: string, owner: string): Promise<string | undefined> {
    const secret = newInboundSecret();
    try {
      if (await this.compute.storeInboundSecret(workspaceId, owner, secret)) return secret;
    } catch (err) {
      this.logger.error({ err, workspaceId }, 'storing the platform inbound secret failed');
    }
    return undefined;
  }
}

/** 32 random bytes, base64url (43 characters). */
function newInboundSecret(): string {
  return randomBytes(32).toString('base64url');
}
