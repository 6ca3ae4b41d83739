import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

/**
 * Workspaces that should have running compute: live, and not external (an external agent
 * runs elsewhere; the liveness sweep watches its heartbeats). On the control plane only
 * rows with an instance id have anything to ask about.
 */
const LIVE_WORKSPACES = sql(
  'sweeper.health.live_workspaces',
  `SELECT id::text AS id FROM workspaces
    WHERE status IN ('online', 'degraded')
      AND COALESCE(runtime, 'langgraph') <> 'external'
      AND (NOT $1::boolean OR COALESCE(instance_id, '') <> '')`,
);

/**
 * Only a row still live flips: one paused, hibernated, removed or re-provisioned since the
 * check belongs to whoever changed it.
 */
const MARK_OFFLINE = sql(
  'sweeper.health.mark_offline',
  `UPDATE workspaces SET status = 'offline', updated_at = now()
    WHERE id = $1 AND status IN ('online', 'degraded')`,
);

@Injectable()
export class HealthRepository {
  constructor(private readonly db: Database) {}

  async liveWorkspaces(withInstanceIdOnly: boolean): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(LIVE_WORKSPACES, [withInstanceIdOnly]);
    return rows.map((r) => r.id);
  }

  /** Whether this call took the workspace offline. */
  async markOffline(workspaceId: string): Promise<boolean> {
    return (await this.db.execute(MARK_OFFLINE, [workspaceId])) > 0;
  }
}
