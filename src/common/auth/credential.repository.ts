import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

/** What a presented bearer turned out to be. */
export type Credential =
  | {
      readonly kind: 'org';
      readonly tokenId: string;
      readonly prefix: string;
      readonly orgId: string | null;
    }
  | { readonly kind: 'workspace'; readonly tokenId: string; readonly workspaceId: string };

/**
 * Resolves a bearer hash against both token tables in one round trip, bumping the
 * `last_used_at` of whichever live token matched. A workspace token only counts when its
 * workspace is not removed and, if `boundTo` is given, when it belongs to that workspace.
 */
const LOOKUP = sql(
  'auth.lookup_credential',
  `WITH org AS (
     UPDATE org_api_tokens SET last_used_at = now()
      WHERE token_hash = $1 AND revoked_at IS NULL
      RETURNING 'org' AS kind, id::text AS token_id, prefix, org_id::text AS org_id, NULL::text AS workspace_id
   ), ws AS (
     UPDATE workspace_auth_tokens t SET last_used_at = now()
       FROM workspaces w
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL
        AND w.id = t.workspace_id AND w.status IS DISTINCT FROM 'removed'
        AND ($2::uuid IS NULL OR t.workspace_id = $2::uuid)
      RETURNING 'workspace' AS kind, t.id::text, t.prefix, NULL::text, t.workspace_id::text
   )
   SELECT * FROM org UNION ALL SELECT * FROM ws`,
);

const ANY_LIVE_WORKSPACE_TOKEN = sql(
  'auth.any_live_workspace_token',
  `SELECT EXISTS (SELECT 1 FROM workspace_auth_tokens WHERE revoked_at IS NULL) AS any`,
);

interface CredentialRow {
  kind: 'org' | 'workspace';
  token_id: string;
  prefix: string;
  org_id: string | null;
  workspace_id: string | null;
}

@Injectable()
export class CredentialRepository {
  constructor(private readonly db: Database) {}

  async lookup(tokenHash: Buffer, boundTo: string | null): Promise<Credential | undefined> {
    const row = await this.db.one<CredentialRow>(LOOKUP, [tokenHash, boundTo]);
    if (!row) return undefined;
    return row.kind === 'org'
      ? { kind: 'org', tokenId: row.token_id, prefix: row.prefix, orgId: row.org_id }
      : { kind: 'workspace', tokenId: row.token_id, workspaceId: row.workspace_id! };
  }

  /** Fresh-install probe: does any live workspace token exist anywhere? (Org tokens do not count.) */
  async anyLiveWorkspaceToken(): Promise<boolean> {
    const row = await this.db.one<{ any: boolean }>(ANY_LIVE_WORKSPACE_TOKEN);
    return row?.any ?? false;
  }
}
