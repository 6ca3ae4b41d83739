import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { platformUnavailable } from '../../common/http/api-error';
import { bearerToken } from '../../common/auth/bearer';
import { SessionVerifier } from '../../common/auth/session-verifier';
import { WorkspaceTokens } from '../../common/auth/workspace-tokens.service';
import { unauthorized } from '../../common/http/api-error';
import { AppConfig } from '../../config/app-config';

/**
 * Who may ask discovery questions on behalf of a workspace (spec 02 §7): anyone while it has
 * no token; afterwards its own bearer, a tenant member's control-plane session, or the dev
 * hatch. Unlike the reference, a datastore error denies (503) instead of allowing.
 */
@Injectable()
export class DiscoveryAuth {
  constructor(
    private readonly config: AppConfig,
    private readonly tokens: WorkspaceTokens,
    private readonly sessions: SessionVerifier,
  ) {}

  async authenticate(workspaceId: string, req: Request): Promise<void> {
    let gate;
    try {
      gate = await this.tokens.gate(workspaceId, bearerToken(req.headers.authorization));
    } catch {
      throw platformUnavailable();
    }
    if (gate === 'open' || this.config.devModeFailOpen) return;
    const session = await this.sessions.verify(req.headers.cookie);
    if (session === 'valid') return;
    if (session === 'invalid') throw unauthorized('invalid session');
    if (gate === 'missing') throw unauthorized('missing workspace auth token');
    if (gate === 'invalid') throw unauthorized('invalid workspace auth token');
  }
}
