import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { unauthorized } from '../http/api-error';
import { AuthContext, AuthedRequest, AuthenticatingGuard } from './auth-context';
import { orUnavailable } from './auth-errors';
import { bearerToken, secretEquals } from './bearer';
import { isAllowedCanvasOrigin, isSameOriginCanvas } from './canvas-origin';
import { CredentialRepository } from './credential.repository';
import { hashToken } from './token-codec';

/**
 * Cosmetic canvas writes (only `PUT /canvas/viewport`, spec 01 §2.12): open on a fresh
 * install; otherwise a bearer (ADMIN_TOKEN or a workspace token — org tokens are not
 * accepted here) or a canvas origin. An invalid bearer never falls through to the origin.
 */
@Injectable()
export class CanvasOrBearerGuard extends AuthenticatingGuard {
  constructor(
    private readonly config: AppConfig,
    private readonly credentials: CredentialRepository,
  ) {
    super();
  }

  protected async authenticate(req: AuthedRequest): Promise<AuthContext> {
    if (!(await orUnavailable(this.credentials.anyLiveWorkspaceToken())))
      return { via: 'fresh-install' };

    const token = bearerToken(req.headers.authorization);
    if (token !== '') {
      if (secretEquals(token, this.config.adminToken)) return { via: 'admin-token' };
      const credential = await orUnavailable(this.credentials.lookup(hashToken(token), null));
      if (credential?.kind === 'workspace')
        return { via: 'workspace-token', workspaceId: credential.workspaceId };
      throw unauthorized('invalid admin auth token');
    }
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    if (isAllowedCanvasOrigin(this.config, origin)) return { via: 'canvas-origin' };
    if (isSameOriginCanvas(this.config, req.headers)) return { via: 'same-origin-canvas' };
    throw unauthorized('admin auth required');
  }
}
