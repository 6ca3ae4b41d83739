import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { unauthorized } from '../http/api-error';
import { AuthContext, AuthedRequest, AuthenticatingGuard, orgTokenContext } from './auth-context';
import { orUnavailable } from './auth-errors';
import { bearerToken, secretEquals } from './bearer';
import { CredentialRepository } from './credential.repository';
import { SessionVerifier } from './session-verifier';
import { hashToken } from './token-codec';

/**
 * Admin routes (spec 01 §2.5). A fresh install (no live workspace token anywhere, no
 * ADMIN_TOKEN) is open so the first workspace can be created; after that an admin credential
 * is required. Origin/Referer never authenticate here.
 */
@Injectable()
export class AdminAuthGuard extends AuthenticatingGuard {
  constructor(
    private readonly config: AppConfig,
    private readonly credentials: CredentialRepository,
    private readonly sessions: SessionVerifier,
  ) {
    super();
  }

  protected async authenticate(req: AuthedRequest): Promise<AuthContext> {
    const adminToken = this.config.adminToken;
    // With ADMIN_TOKEN set neither the fresh-install nor the dev-mode hatch can open, so the
    // probe is skipped.
    if (adminToken === '') {
      if (!(await orUnavailable(this.credentials.anyLiveWorkspaceToken())))
        return { via: 'fresh-install' };
      if (this.config.devModeFailOpen) return { via: 'dev-mode' };
    }
    if (req.headers.cookie && (await this.sessions.verify(req.headers.cookie)) === 'valid')
      return { via: 'session' };

    const token = bearerToken(req.headers.authorization);
    if (token === '') throw unauthorized('admin auth required');
    if (secretEquals(token, adminToken)) return { via: 'admin-token' };

    const credential = await orUnavailable(this.credentials.lookup(hashToken(token), null));
    if (credential?.kind === 'org') {
      return orgTokenContext(credential);
    }
    // Deprecated path kept for parity: without ADMIN_TOKEN any live workspace token is admin.
    if (credential?.kind === 'workspace' && adminToken === '') {
      return { via: 'workspace-token', workspaceId: credential.workspaceId };
    }
    throw unauthorized('invalid admin auth token');
  }
}
