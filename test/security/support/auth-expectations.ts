import { AuthKind } from './route-auth';

/**
 * The credentials every route is tried with. The route's *subject* is the workspace the route
 * is about: the path's `:id`, the registry body's id, or the caller named by `X-Workspace-ID`.
 *
 * - `none`: no `Authorization` header.
 * - `own`: a live token of the subject (the control: it must pass where a token can).
 * - `other-workspace`: a live token of another workspace. Without ADMIN_TOKEN this is also the
 *   reference's (deprecated) admin credential: any live workspace token passes AdminAuth.
 * - `revoked`: the subject's own token, revoked.
 * - `removed-workspace`: a live token of a removed workspace.
 * - `admin-token`: the ADMIN_TOKEN value; in a server without one, a made-up token.
 * - `org`: an org API token.
 * - `malformed`: `bearer <admin or own token>` — the prefix is case-sensitive, so this is no token.
 * - `canvas-origin`: no bearer, `Origin: http://localhost:3000` — which opens only canvas routes.
 */
export const CREDENTIALS = [
  'none',
  'own',
  'other-workspace',
  'revoked',
  'removed-workspace',
  'admin-token',
  'org',
  'malformed',
  'canvas-origin',
] as const;
export type Credential = (typeof CREDENTIALS)[number];

/** The two server configurations the matrix runs in. */
export interface MatrixConfig {
  readonly name: string;
  readonly adminTokenSet: boolean;
}

export type Expectation =
  | { readonly allow: true }
  | { readonly allow: false; readonly status: number; readonly error: string };

const ALLOW: Expectation = { allow: true };
const deny = (status: number, error: string): Expectation => ({ allow: false, status, error });

const ADMIN_REQUIRED = deny(401, 'admin auth required');
const INVALID_ADMIN = deny(401, 'invalid admin auth token');
const MISSING_WORKSPACE = deny(401, 'missing workspace auth token');
const INVALID_WORKSPACE = deny(401, 'invalid workspace auth token');
const MISSING_CALLER = deny(401, 'missing caller auth token');
const INVALID_CALLER = deny(401, 'invalid caller auth token');

/** Every error text an auth refusal uses: an allowed request must answer none of them. */
export const AUTH_REFUSALS: ReadonlySet<string> = new Set(
  [
    ADMIN_REQUIRED,
    INVALID_ADMIN,
    MISSING_WORKSPACE,
    INVALID_WORKSPACE,
    MISSING_CALLER,
    INVALID_CALLER,
  ].map((e) => (e.allow ? '' : e.error)),
);

const NO_BEARER: readonly Credential[] = ['none', 'malformed', 'canvas-origin'];

/** What the contract says a route of `kind` answers `credential` in `config`. */
export function expectedOutcome(
  kind: AuthKind,
  credential: Credential,
  config: MatrixConfig,
): Expectation {
  const noBearer = NO_BEARER.includes(credential);
  switch (kind) {
    case 'open':
      return ALLOW;
    case 'admin':
      if (noBearer) return ADMIN_REQUIRED;
      if (credential === 'org') return ALLOW;
      if (credential === 'admin-token') return config.adminTokenSet ? ALLOW : INVALID_ADMIN;
      if (credential === 'own' || credential === 'other-workspace')
        return config.adminTokenSet ? INVALID_ADMIN : ALLOW;
      return INVALID_ADMIN;
    case 'workspace':
      if (noBearer) return MISSING_WORKSPACE;
      if (credential === 'own' || credential === 'org') return ALLOW;
      if (credential === 'admin-token') return config.adminTokenSet ? ALLOW : INVALID_WORKSPACE;
      return INVALID_WORKSPACE;
    case 'workspace-own-token':
    case 'registry-body':
    case 'discovery-caller':
    case 'discovery-path':
    case 'ws-agent':
      if (noBearer) return MISSING_WORKSPACE;
      return credential === 'own' ? ALLOW : INVALID_WORKSPACE;
    case 'caller-token':
      if (noBearer) return MISSING_CALLER;
      return credential === 'own' ? ALLOW : INVALID_CALLER;
    case 'canvas-or-bearer':
      if (credential === 'canvas-origin') return ALLOW;
      if (noBearer) return ADMIN_REQUIRED;
      if (credential === 'own' || credential === 'other-workspace') return ALLOW;
      if (credential === 'admin-token') return config.adminTokenSet ? ALLOW : INVALID_ADMIN;
      return INVALID_ADMIN;
    case 'test-token':
      // Without ADMIN_TOKEN the reference's route checks nothing (outside production).
      if (!config.adminTokenSet) return ALLOW;
      return credential === 'admin-token' ? ALLOW : ADMIN_REQUIRED;
  }
}
