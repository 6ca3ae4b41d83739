import { Injectable } from '@nestjs/common';
import { Database, sql } from '../database/database.service';

const GET = sql(
  'files.config_get',
  `SELECT c.data FROM workspaces w LEFT JOIN workspace_config c ON c.workspace_id = w.id
    WHERE w.id = $1 AND w.status IS DISTINCT FROM 'removed'`,
);
// Shallow merge of top-level keys; the EXISTS keeps unknown and removed workspaces out.
const MERGE = sql(
  'files.config_merge',
  `INSERT INTO workspace_config (workspace_id, data)
   SELECT $1, $2::jsonb
    WHERE EXISTS (SELECT 1 FROM workspaces WHERE id = $1 AND status IS DISTINCT FROM 'removed')
   ON CONFLICT (workspace_id)
   DO UPDATE SET data = workspace_config.data || EXCLUDED.data, updated_at = now()`,
);

/** `workspace_config.data`: a JSON object per workspace, unrelated to config.yaml (spec 07 §9). */
@Injectable()
export class WorkspaceConfigRepository {
  constructor(private readonly db: Database) {}

  /** `undefined`: no such workspace; `null`: the workspace has no stored config yet. */
  async get(workspaceId: string): Promise<unknown> {
    const row = await this.db.one<{ data: unknown }>(GET, [workspaceId]);
    return row === undefined ? undefined : row.data;
  }

  /** `false` when the workspace does not exist. */
  async merge(workspaceId: string, patch: string): Promise<boolean> {
    return (await this.db.execute(MERGE, [workspaceId, patch])) > 0;
  }
}
