import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

/**
 * Workspaces with `hibernation_idle_minutes` set whose last activity is older than that
 * (spec 00: activity, not heartbeats — every healthy agent heartbeats, idle or not). Activity
 * is the newest of: an activity row (every A2A message it received, whatever it reported),
 * a message it sent (`last_outbound_at`), a token minted for it (each provision mints one, so
 * a workspace just woken or restarted gets a full idle window), and its creation. A workspace
 * with tasks in hand or A2A messages queued or in flight is never idle.
 */
const IDLE = sql(
  'sweeper.hibernation.idle',
  `SELECT w.id::text AS id
     FROM workspaces w
    WHERE w.hibernation_idle_minutes > 0
      AND w.status IN ('online', 'degraded')
      AND w.desired_state = 'running'
      AND w.active_tasks = 0
      AND COALESCE(w.runtime, 'langgraph') <> 'external'
      AND GREATEST(
            w.created_at,
            w.last_outbound_at,
            (SELECT max(t.created_at) FROM workspace_auth_tokens t WHERE t.workspace_id = w.id),
            (SELECT max(a.created_at) FROM activity_logs a WHERE a.workspace_id = w.id)
          ) < $1::timestamptz - make_interval(mins => w.hibernation_idle_minutes)
      AND NOT EXISTS (SELECT 1 FROM a2a_queue q
                       WHERE q.workspace_id = w.id AND q.status IN ('queued', 'dispatched'))
    ORDER BY w.id`,
);

@Injectable()
export class HibernationRepository {
  constructor(private readonly db: Database) {}

  async idleAt(now: Date): Promise<string[]> {
    return (await this.db.query<{ id: string }>(IDLE, [now])).map((r) => r.id);
  }
}
