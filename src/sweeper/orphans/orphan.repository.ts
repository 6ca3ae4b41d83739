import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

const REMOVED_MATCHING = sql(
  'sweeper.orphans.removed_matching',
  `SELECT id::text AS id FROM workspaces
    WHERE status = 'removed' AND id::text LIKE ANY($1::text[])`,
);

const PATTERNS_WITH_ROWS = sql(
  'sweeper.orphans.patterns_with_rows',
  `SELECT DISTINCT p.pattern
     FROM unnest($1::text[]) AS p(pattern)
     JOIN workspaces w ON w.id::text LIKE p.pattern`,
);

/**
 * Workspaces holding a live token unused since the cutoff, whose container is not among
 * `$1` (an empty list means there is no container at all, and then every such workspace
 * qualifies). `provisioning` rows are in flight (their token is being minted) and external
 * workspaces never have a local container: neither is ever a candidate.
 */
const STALE_TOKEN_WORKSPACES = sql(
  'sweeper.orphans.stale_token_workspaces',
  `SELECT DISTINCT t.workspace_id::text AS id
     FROM workspace_auth_tokens t
     JOIN workspaces w ON w.id = t.workspace_id
    WHERE t.revoked_at IS NULL
      AND w.status NOT IN ('removed', 'provisioning')
      AND COALESCE(w.runtime, 'langgraph') <> 'external'
      AND COALESCE(t.last_used_at, t.created_at) < $2::timestamptz
      AND NOT (w.id::text LIKE ANY($1::text[]))`,
);

/**
 * The staleness predicate is repeated here on purpose: a token minted between the SELECT
 * and this UPDATE (a restart re-provisioning the workspace) is newer than the cutoff and
 * survives. "Revoke every live token of the workspace" would kill it, and the runtime —
 * which reads its token file once — would get 401 forever.
 */
const REVOKE_STALE = sql(
  'sweeper.orphans.revoke_stale',
  `UPDATE workspace_auth_tokens SET revoked_at = now()
    WHERE workspace_id = $1 AND revoked_at IS NULL
      AND COALESCE(last_used_at, created_at) < $2::timestamptz`,
);

/** The orphan sweeper's SQL. Patterns are `LIKE` patterns built from container-name prefixes. */
@Injectable()
export class OrphanRepository {
  constructor(private readonly db: Database) {}

  /** Ids of `removed` workspaces matching any pattern. */
  async removedMatching(patterns: readonly string[]): Promise<string[]> {
    return (await this.db.query<{ id: string }>(REMOVED_MATCHING, [patterns])).map((r) => r.id);
  }

  /** The patterns that match at least one workspace row, of any status. */
  async patternsWithRows(patterns: readonly string[]): Promise<Set<string>> {
    const rows = await this.db.query<{ pattern: string }>(PATTERNS_WITH_ROWS, [patterns]);
    return new Set(rows.map((r) => r.pattern));
  }

  async workspacesWithStaleTokens(
    containerPatterns: readonly string[],
    unusedSince: Date,
  ): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(STALE_TOKEN_WORKSPACES, [
      containerPatterns,
      unusedSince,
    ]);
    return rows.map((r) => r.id);
  }

  /** Revokes the workspace's live tokens unused since the cutoff; returns how many. */
  revokeStaleTokens(workspaceId: string, unusedSince: Date): Promise<number> {
    return this.db.execute(REVOKE_STALE, [workspaceId, unusedSince]);
  }
}
