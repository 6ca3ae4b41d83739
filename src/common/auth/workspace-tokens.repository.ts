import { Injectable } from '@nestjs/common';
import { Database, Queryable, sql } from '../../database/database.service';

export interface TokenListRow {
  id: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
}

const HAS_LIVE = sql(
  'tokens.has_live',
  `SELECT EXISTS (SELECT 1 FROM workspace_auth_tokens WHERE workspace_id = $1 AND revoked_at IS NULL) AS live`,
);
/**
 * The grandfathering gate in one round trip: does the workspace hold any live token, and is
 * the presented hash (NULL when none) one of them? A match bumps `last_used_at`.
 */
const GATE = sql(
  'tokens.gate',
  `WITH presented AS (
     UPDATE workspace_auth_tokens t SET last_used_at = now()
       FROM workspaces w
      WHERE $2::bytea IS NOT NULL AND t.token_hash = $2 AND t.workspace_id = $1 AND t.revoked_at IS NULL
        AND w.id = t.workspace_id AND w.status IS DISTINCT FROM 'removed'
      RETURNING t.id
   )
   SELECT EXISTS (SELECT 1 FROM workspace_auth_tokens WHERE workspace_id = $1 AND revoked_at IS NULL) AS has_live,
          EXISTS (SELECT 1 FROM presented) AS valid`,
);
const COUNT_LIVE = sql(
  'tokens.count_live',
  `SELECT count(*)::int AS n FROM workspace_auth_tokens WHERE workspace_id = $1 AND revoked_at IS NULL`,
);
const INSERT = sql(
  'tokens.insert',
  `INSERT INTO workspace_auth_tokens (workspace_id, token_hash, prefix) VALUES ($1, $2, $3) RETURNING id`,
);
const REVOKE_ALL = sql(
  'tokens.revoke_all',
  `UPDATE workspace_auth_tokens SET revoked_at = now()
    WHERE workspace_id = ANY($1::uuid[]) AND revoked_at IS NULL`,
);
const LIST_LIVE = sql(
  'tokens.list_live',
  `SELECT id, prefix, created_at, last_used_at FROM workspace_auth_tokens
    WHERE workspace_id = $1 AND revoked_at IS NULL
    ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`,
);
const REVOKE_ONE = sql(
  'tokens.revoke_one',
  `UPDATE workspace_auth_tokens SET revoked_at = now()
    WHERE id = $1 AND workspace_id = $2 AND revoked_at IS NULL`,
);

/** SQL for `workspace_auth_tokens`. Callers pass canonical UUIDs. */
@Injectable()
export class WorkspaceTokensRepository {
  constructor(private readonly db: Database) {}

  async hasLive(workspaceId: string): Promise<boolean> {
    return (await this.db.one<{ live: boolean }>(HAS_LIVE, [workspaceId]))?.live ?? false;
  }

  async gate(
    workspaceId: string,
    tokenHash: Buffer | null,
  ): Promise<{ hasLive: boolean; valid: boolean }> {
    const row = await this.db.one<{ has_live: boolean; valid: boolean }>(GATE, [
      workspaceId,
      tokenHash,
    ]);
    return { hasLive: row?.has_live ?? false, valid: row?.valid ?? false };
  }

  async countLive(workspaceId: string): Promise<number> {
    return (await this.db.one<{ n: number }>(COUNT_LIVE, [workspaceId]))?.n ?? 0;
  }

  async insert(
    workspaceId: string,
    hash: Buffer,
    prefix: string,
    tx: Queryable = this.db,
  ): Promise<string> {
    const row = await tx.one<{ id: string }>(INSERT, [workspaceId, hash, prefix]);
    return row!.id;
  }

  revokeAll(workspaceIds: readonly string[], tx: Queryable = this.db): Promise<number> {
    return tx.execute(REVOKE_ALL, [workspaceIds]);
  }

  listLive(workspaceId: string, limit: number, offset: number): Promise<TokenListRow[]> {
    return this.db.query<TokenListRow>(LIST_LIVE, [workspaceId, limit, offset]);
  }

  revoke(workspaceId: string, tokenId: string): Promise<number> {
    return this.db.execute(REVOKE_ONE, [tokenId, workspaceId]);
  }
}
