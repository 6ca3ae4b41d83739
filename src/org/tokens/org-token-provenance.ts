import { AuthContext } from '../../common/auth/auth-context';

export interface OrgTokenProvenance {
  /** `org-token:<prefix>`, `session` or `admin-token`. */
  readonly createdBy: string;
  /** The org a minted token is anchored to; null = unanchored. */
  readonly orgId: string | null;
}

/**
 * Who minted an org token (spec 01 §7.3). A token minted with an org token inherits that
 * token's org, so an anchored credential cannot mint an unanchored one. Any Cookie header
 * counts as a session, as in the reference.
 */
export function orgTokenProvenance(
  auth: AuthContext | undefined,
  cookie: string | undefined,
): OrgTokenProvenance {
  if (auth?.via === 'org-token') {
    return { createdBy: `org-token:${auth.orgTokenPrefix ?? ''}`, orgId: auth.orgId ?? null };
  }
  return { createdBy: cookie ? 'session' : 'admin-token', orgId: null };
}
