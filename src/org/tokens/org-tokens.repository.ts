import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

export interface OrgTokenRow {
  id: string;
  prefix: string;
  name: string | null;
  org_id: string | null;
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
}

export interface NewOrgToken {
  readonly hash: Buffer;
  readonly prefix: string;
  readonly name: string;
  readonly createdBy: string;
  readonly orgId: string | null;
}

/** The listing is capped: org tokens are few, and the page has no paging. */
export const ORG_TOKEN_LIST_CAP = 500;

const LIST_LIVE = sql(
  'org_tokens.list_live',
  `SELECT id, prefix, name, org_id, created_by, created_at, last_used_at FROM org_api_tokens
    WHERE revoked_at IS NULL ORDER BY created_at DESC, id LIMIT ${ORG_TOKEN_LIST_CAP}`,
);
const INSERT = sql(
  'org_tokens.insert',
  `INSERT INTO org_api_tokens (token_hash, prefix, name, created_by, org_id)
   VALUES ($1, $2, NULLIF($3, ''), NULLIF($4, ''), $5) RETURNING id`,
);
const REVOKE = sql(
  'org_tokens.revoke',
  `UPDATE org_api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`,
);

/** SQL for `org_api_tokens`. Only the hash and prefix of a token are ever stored. */
@Injectable()
export class OrgTokensRepository {
  constructor(private readonly db: Database) {}

  listLive(): Promise<OrgTokenRow[]> {
    return this.db.query<OrgTokenRow>(LIST_LIVE);
  }

  async insert(token: NewOrgToken): Promise<string> {
    const row = await this.db.one<{ id: string }>(INSERT, [
      token.hash,
      token.prefix,
      token.name,
      token.createdBy,
      token.orgId,
    ]);
    return row!.id;
  }

  /** True when a live token was revoked. */
  async revoke(id: string): Promise<boolean> {
    return (await this.db.execute(REVOKE, [id])) > 0;
  }
}
