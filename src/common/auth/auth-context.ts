import type { Request } from 'express';

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
