import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { unauthorized } from '../http/api-error';
import { parseUuid } from '../http/uuid';
import { AuthContext, AuthedRequest, AuthenticatingGuard, orgTokenContext } from './auth-context';
import { orUnavailable } from './auth-errors';
import { bearerToken, secretEquals } from './bearer';
import { isSameOriginCanvas } from './canvas-origin';
import { CredentialRepository } from './credential.repository';
import { hashToken } from './token-codec';

/** A UUID no workspace has: binds a lookup so that no workspace token can match it. */
const NO_WORKSPACE = '00000000-0000-0000-0000-000000000000';

/**
 * `/workspaces/:id/*` routes (spec 01 §2.6): ADMIN_TOKEN, an org token, or a token of this
 * very workspace; without a bearer only a same-origin canvas or the dev hatch pass. A request
 * without a bearer costs no database access.
 */
@Injectable()
export class WorkspaceAuthGuard extends AuthenticatingGuard {
  constructor(
    private readonly config: AppConfig,
    private readonly credentials: CredentialRepository,
  ) {
    super();
  }

  protected async authenticate(req: AuthedRequest): Promise<AuthContext> {
    const rawId = String(req.params.id ?? '');
    if (rawId === '') throw unauthorized('missing workspace ID');

    const token = bearerToken(req.headers.authorization);
    if (token !== '') {
      if (secretEquals(token, this.config.adminToken)) return { via: 'admin-token' };
      const workspaceId = parseUuid(rawId) ?? NO_WORKSPACE;
      const credential = await orUnavailable(
        this.credentials.lookup(hashToken(token), workspaceId),
      );
      if (credential?.kind === 'org') {
        return orgTokenContext(credential);
      }
      if (credential?.kind === 'workspace')
        return { via: 'workspace-token', workspaceId: credential.workspaceId };
      throw unauthorized('invalid workspace auth token');
    }
    if (isSameOriginCanvas(this.config, req.headers)) return { via: 'same-origin-canvas' };
    if (this.config.devModeFailOpen) return { via: 'dev-mode' };
    throw unauthorized('missing workspace auth token');
  }
}
