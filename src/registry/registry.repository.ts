import { Injectable } from '@nestjs/common';
import { Database, sql } from '../database/database.service';
import { WorkspaceStatus } from '../database/entities';

export interface HeartbeatWrite {
  workspaceId: string;
  errorRate: number;
  sampleError: string;
  activeTasks: number;
  uptimeSeconds: number;
  currentTask: string;
  /** Written only when positive: a runtime that does not report spend never zeroes it. */
  monthlySpend: number;
}

/** What a heartbeat learns from its own write: the task before it, the status, the capacity. */
export interface HeartbeatResult {
  previous_task: string | null;
  status: WorkspaceStatus | null;
  max_concurrent_tasks: number;
}

/**
 * The agent-reported URL is the container-to-container address; a provisioner-assigned
 * host-port URL (`http://127.0.0.1…`) is kept as the host-reachable one. A removed row is
 * never resurrected: the conflict branch does nothing and no row comes back.
 */
const REGISTER = sql(
  'registry.register',
  `INSERT INTO workspaces (id, name, url, internal_url, agent_card, status, last_heartbeat_at)
   VALUES ($1::uuid, $1::text, $2, $2, $3, 'online', now())
   ON CONFLICT (id) DO UPDATE SET
     url = CASE WHEN workspaces.url LIKE 'http://127.0.0.1%' THEN workspaces.url ELSE EXCLUDED.url END,
     internal_url = EXCLUDED.internal_url,
     agent_card = EXCLUDED.agent_card,
     status = 'online',
     last_heartbeat_at = now(),
     updated_at = now()
   WHERE workspaces.status IS DISTINCT FROM 'removed'
   RETURNING url`,
);

/** The heartbeat write, reading the previous task from the pre-update snapshot (one round trip). */
const HEARTBEAT = sql(
  'registry.heartbeat',
  `UPDATE workspaces w SET
     last_heartbeat_at = now(), last_error_rate = $2, last_sample_error = $3, active_tasks = $4,
     uptime_seconds = $5, current_task = $6,
     monthly_spend = CASE WHEN $7::bigint > 0 THEN $7::bigint ELSE w.monthly_spend END,
     updated_at = now()
   FROM workspaces prev
   WHERE w.id = $1 AND prev.id = w.id AND w.status IS DISTINCT FROM 'removed'
   RETURNING prev.current_task AS previous_task, w.status, w.max_concurrent_tasks`,
);

/** A task-push heartbeat carries no health data: it must not reset error rate or uptime. */
const TASK_PUSH = sql(
  'registry.task_push',
  `UPDATE workspaces w SET
     last_heartbeat_at = now(), active_tasks = $2, current_task = $3,
     monthly_spend = CASE WHEN $4::bigint > 0 THEN $4::bigint ELSE w.monthly_spend END,
     updated_at = now()
   FROM workspaces prev
   WHERE w.id = $1 AND prev.id = w.id AND w.status IS DISTINCT FROM 'removed'
   RETURNING prev.current_task AS previous_task, w.status, w.max_concurrent_tasks`,
);

const TRANSITION = sql(
  'registry.transition',
  `UPDATE workspaces SET status = $3, updated_at = now() WHERE id = $1 AND status = $2`,
);

const UPDATE_CARD = sql(
  'registry.update_card',
  `UPDATE workspaces SET agent_card = $2, updated_at = now()
    WHERE id = $1 AND status IS DISTINCT FROM 'removed'`,
);

/** SQL of the workspace runtime's side: register, heartbeat, card. */
@Injectable()
export class RegistryRepository {
  constructor(private readonly db: Database) {}

  /** The stored host URL, or `undefined` when the id belongs to a removed workspace. */
  async register(
    workspaceId: string,
    url: string,
    agentCard: unknown,
  ): Promise<string | undefined> {
    const row = await this.db.one<{ url: string }>(REGISTER, [
      workspaceId,
      url,
      JSON.stringify(agentCard),
    ]);
    return row?.url;
  }

  /** `undefined` when the workspace is unknown or removed (nothing written). */
  heartbeat(w: HeartbeatWrite, partial: boolean): Promise<HeartbeatResult | undefined> {
    return partial
      ? this.db.one<HeartbeatResult>(TASK_PUSH, [
          w.workspaceId,
          w.activeTasks,
          w.currentTask,
          w.monthlySpend,
        ])
      : this.db.one<HeartbeatResult>(HEARTBEAT, [
          w.workspaceId,
          w.errorRate,
          w.sampleError,
          w.activeTasks,
          w.uptimeSeconds,
          w.currentTask,
          w.monthlySpend,
        ]);
  }

  /** Applies `from → to` only if the row still has `from`; true when it did. */
  async transition(
    workspaceId: string,
    from: WorkspaceStatus,
    to: WorkspaceStatus,
  ): Promise<boolean> {
    return (await this.db.execute(TRANSITION, [workspaceId, from, to])) > 0;
  }

  /** False when the workspace is unknown or removed. */
  async updateCard(workspaceId: string, agentCard: unknown): Promise<boolean> {
    return (await this.db.execute(UPDATE_CARD, [workspaceId, JSON.stringify(agentCard)])) > 0;
  }
}
