import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';
import { WorkspaceStatus } from '../../database/entities';
import { PeerViewRow } from '../../workspaces/workspace-view';

export interface DiscoveryRow {
  id: string;
  name: string | null;
  runtime: string | null;
  url: string | null;
  internal_url: string | null;
  status: WorkspaceStatus | null;
}

const ROWS = sql(
  'discovery.rows',
  `SELECT id::text, name, runtime, url, internal_url, status FROM workspaces WHERE id = ANY($1::uuid[])`,
);
const PARENT = sql('discovery.parent', `SELECT parent_id::text FROM workspaces WHERE id = $1`);
/** Siblings (same parent, or fellow roots), then children, then the parent; never removed ones. */
const PEERS = sql(
  'discovery.peers',
  `SELECT id::text, name, role, tier, status, agent_card, url, parent_id::text, active_tasks
     FROM workspaces
    WHERE status <> 'removed' AND id <> $1
      AND (($2::uuid IS NULL AND parent_id IS NULL) OR parent_id = $2 OR parent_id = $1 OR id = $2)
    ORDER BY CASE WHEN id = $2 THEN 2 WHEN parent_id = $1 THEN 1 ELSE 0 END, created_at, id`,
);

@Injectable()
export class DiscoveryRepository {
  constructor(private readonly db: Database) {}

  async rows(ids: readonly string[]): Promise<Map<string, DiscoveryRow>> {
    const rows = await this.db.query<DiscoveryRow>(ROWS, [ids]);
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** `undefined` when the workspace does not exist; `null` for a root. */
  async parentOf(id: string): Promise<string | null | undefined> {
    const row = await this.db.one<{ parent_id: string | null }>(PARENT, [id]);
    return row ? row.parent_id : undefined;
  }

  peers(id: string, parentId: string | null): Promise<PeerViewRow[]> {
    return this.db.query<PeerViewRow>(PEERS, [id, parentId]);
  }
}
