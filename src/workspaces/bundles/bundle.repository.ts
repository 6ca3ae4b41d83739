import { Injectable } from '@nestjs/common';
import { Database, Queryable, sql } from '../../database/database.service';

export interface BundleWorkspaceRow {
  id: string;
  name: string;
  role: string | null;
  tier: number | null;
  runtime: string | null;
  agent_card: unknown;
}

const EXPORT_ROW = sql(
  'bundles.export_row',
  `SELECT id, name, role, tier, runtime, agent_card FROM workspaces WHERE id = $1`,
);
const LIVE_CHILDREN = sql(
  'bundles.live_children',
  `SELECT id FROM workspaces WHERE parent_id = $1 AND status <> 'removed' ORDER BY created_at, id`,
);
const MARK_IMPORTED = sql(
  'bundles.mark_imported',
  `UPDATE workspaces SET source_bundle_id = $2, agent_card = $3::jsonb WHERE id = $1`,
);

/** The SQL of bundle export and import that the workspace repository does not have. */
@Injectable()
export class BundleRepository {
  constructor(private readonly db: Database) {}

  /** Any status: a removed workspace can still be exported, as in the reference. */
  exportRow(id: string): Promise<BundleWorkspaceRow | undefined> {
    return this.db.one<BundleWorkspaceRow>(EXPORT_ROW, [id]);
  }

  async liveChildren(id: string): Promise<string[]> {
    return (await this.db.query<{ id: string }>(LIVE_CHILDREN, [id])).map((row) => row.id);
  }

  /** Records the bundle a workspace came from and restores its agent card. */
  async markImported(
    tx: Queryable,
    id: string,
    bundleId: string,
    agentCard: unknown,
  ): Promise<void> {
    await tx.execute(MARK_IMPORTED, [
      id,
      bundleId === '' ? null : bundleId,
      agentCard === null || agentCard === undefined ? null : JSON.stringify(agentCard),
    ]);
  }
}
