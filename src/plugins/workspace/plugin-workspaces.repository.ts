import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

export interface PluginWorkspaceRow {
  id: string;
  runtime: string | null;
}

const HEAD = sql('plugins.workspace_head', `SELECT id, runtime FROM workspaces WHERE id = $1`);
/**
 * Whether the workspace's org allows `$2`: the org is the direct parent, or the workspace
 * itself at the top (spec 07 §10); an org without rows allows everything.
 */
const ORG_ALLOWS = sql(
  'plugins.org_allows',
  `WITH org AS (SELECT COALESCE(parent_id, id) AS id FROM workspaces WHERE id = $1)
   SELECT NOT EXISTS (SELECT 1 FROM org_plugin_allowlist a JOIN org ON a.org_id = org.id)
       OR EXISTS (SELECT 1 FROM org_plugin_allowlist a JOIN org ON a.org_id = org.id
                   WHERE a.plugin_name = $2) AS allowed`,
);

/** The workspace facts the plugin routes read. */
@Injectable()
export class PluginWorkspacesRepository {
  constructor(private readonly db: Database) {}

  head(id: string): Promise<PluginWorkspaceRow | undefined> {
    return this.db.one<PluginWorkspaceRow>(HEAD, [id]);
  }

  async orgAllows(workspaceId: string, pluginName: string): Promise<boolean> {
    return (
      (await this.db.one<{ allowed: boolean }>(ORG_ALLOWS, [workspaceId, pluginName]))?.allowed ??
      true
    );
  }
}
