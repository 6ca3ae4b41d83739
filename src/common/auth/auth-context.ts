import { CanActivate, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Credential } from './credential.repository';

/** How the current request authenticated; set by the auth guards on `req.auth`. */
export interface AuthContext {
  readonly via:
    | 'fresh-install'
    | 'dev-mode'
    | 'session'
    | 'admin-token'
    | 'org-token'
    | 'workspace-token'
    | 'canvas-origin'
    | 'same-origin-canvas';
  readonly orgTokenId?: string;
  readonly orgTokenPrefix?: string;
  /** Only set for org tokens anchored to an org. */
  readonly orgId?: string;
  readonly workspaceId?: string;
}

export type AuthedRequest = Request & { auth?: AuthContext };

export function authOf(req: Request): AuthContext | undefined {
  return (req as AuthedRequest).auth;
}

/** How an org API token authenticates: full admin, with its org when it is anchored to one. */
export function orgTokenContext(credential: Extract<Credential, { kind: 'org' }>): AuthContext {
  return {
    via: 'org-token',
    orgTokenId: credential.tokenId,
    orgTokenPrefix: credential.prefix,
    orgId: credential.orgId ?? undefined,
  };
}

/** A guard that either records how the request authenticated on `req.auth` or throws. */
export abstract class AuthenticatingGuard implements CanActivate {
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    req.auth = await this.authenticate(req);
    return true;
  }

  protected abstract authenticate(req: AuthedRequest): Promise<AuthContext>;
}
