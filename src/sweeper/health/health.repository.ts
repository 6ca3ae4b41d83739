import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

/**
 * Workspaces that should have running compute: live, meant to run, and settled — no lifecycle
 * cycle pending or in flight (a restart's container may be gone for a moment; that is the
 * reconciler's business). External agents run elsewhere (the liveness sweep watches their
 * heartbeats). On the control plane only rows with an instance id have anything to ask about.
 */
const LIVE_WORKSPACES = sql(
  'sweeper.health.live_workspaces',
  `SELECT id::text AS id FROM workspaces
    WHERE status IN ('online', 'degraded')
      AND desired_state = 'running'
      AND desired_generation = observed_generation
      AND reconcile_owner IS NULL
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
