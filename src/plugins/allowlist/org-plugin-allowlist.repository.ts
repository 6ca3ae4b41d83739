import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

export interface AllowlistRow {
  plugin_name: string;
  enabled_by: string;
  enabled_at: Date;
}

const ORG_EXISTS = sql(
  'plugins.allowlist_org_exists',
  `SELECT EXISTS (SELECT 1 FROM workspaces WHERE id = $1) AS found`,
);
const LIST = sql(
  'plugins.allowlist_list',
  `SELECT plugin_name, enabled_by, enabled_at FROM org_plugin_allowlist
    WHERE org_id = $1 ORDER BY plugin_name`,
);
const CLEAR = sql('plugins.allowlist_clear', `DELETE FROM org_plugin_allowlist WHERE org_id = $1`);
const INSERT = sql(
  'plugins.allowlist_insert',
  `INSERT INTO org_plugin_allowlist (org_id, plugin_name, enabled_by)
   SELECT $1, name, $3 FROM unnest($2::text[]) AS name
   ON CONFLICT (org_id, plugin_name) DO NOTHING`,
);

/** SQL for `org_plugin_allowlist`. */
@Injectable()
export class OrgPluginAllowlistRepository {
  constructor(private readonly db: Database) {}

  /** Any workspace row counts, removed ones too (as in the reference). */
  async orgExists(orgId: string): Promise<boolean> {
    return (await this.db.one<{ found: boolean }>(ORG_EXISTS, [orgId]))?.found ?? false;
  }

  list(orgId: string): Promise<AllowlistRow[]> {
    return this.db.query<AllowlistRow>(LIST, [orgId]);
  }

  /** Replaces the org's list in one transaction; duplicate names collapse. */
  async replace(orgId: string, plugins: readonly string[], enabledBy: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute(CLEAR, [orgId]);
      if (plugins.length > 0) await tx.execute(INSERT, [orgId, plugins, enabledBy]);
    });
  }
}
