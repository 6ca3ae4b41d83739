import { Injectable } from '@nestjs/common';
import type { TokenGate } from '../common/auth/workspace-tokens.service';
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
  /**
   * The `scheduler` capability of this heartbeat's `runtime_metadata`; null (no metadata, as
   * in the runtime's task pushes) keeps the stored declaration. Kept in the row because the
   * cron loop of any replica reads it.
   */
  nativeScheduler: boolean | null;
}

/** What a heartbeat learns from its own write: the task before it, the status, the capacity. */
export interface HeartbeatResult {
  previous_task: string | null;
  status: WorkspaceStatus | null;
  max_concurrent_tasks: number;
  /** The workspace's A2A queue holds messages, waiting or in flight. */
  queued: boolean;
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

/**
 * The whole heartbeat in one round trip: the token gate (the same rule as
 * `WorkspaceTokensRepository.gate`), then — only if the gate is open — the write, reading the
 * previous task from the pre-update snapshot. A task-push heartbeat ($8) carries no health
 * data, so it leaves error rate, sample error and uptime alone. Heartbeats bump a token's
 * `last_used_at` at most once a minute: every 30 s per workspace would be a write for nothing.
 * It also says whether the workspace's A2A queue holds messages waiting or in flight (probes of
 * the queue's two partial indexes), so the drainer claims only when there may be something to
 * claim (a lapsed lease included) instead of sending a claim per heartbeat. Exported for the bench's floor server, which runs
 * this very statement.
 */
export const HEARTBEAT = sql(
  'registry.heartbeat',
  `WITH gate AS (
     SELECT EXISTS (SELECT 1 FROM workspace_auth_tokens WHERE workspace_id = $1 AND revoked_at IS NULL) AS has_live,
            EXISTS (SELECT 1 FROM workspace_auth_tokens t JOIN workspaces o ON o.id = t.workspace_id
                     WHERE $9::bytea IS NOT NULL AND t.token_hash = $9 AND t.workspace_id = $1
                       AND t.revoked_at IS NULL AND o.status IS DISTINCT FROM 'removed') AS valid
   ), touched AS (
     UPDATE workspace_auth_tokens SET last_used_at = now()
      WHERE $9::bytea IS NOT NULL AND token_hash = $9 AND workspace_id = $1 AND revoked_at IS NULL
        AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
   ), beat AS (
     UPDATE workspaces w SET
       last_heartbeat_at = now(),
       last_error_rate = CASE WHEN $8 THEN w.last_error_rate ELSE $2 END,
       last_sample_error = CASE WHEN $8 THEN w.last_sample_error ELSE $3 END,
       active_tasks = $4,
       uptime_seconds = CASE WHEN $8 THEN w.uptime_seconds ELSE $5 END,
       current_task = $6,
       monthly_spend = CASE WHEN $7::bigint > 0 THEN $7::bigint ELSE w.monthly_spend END,
       native_scheduler = COALESCE($10::boolean, w.native_scheduler),
       updated_at = now()
     FROM workspaces prev, gate
     WHERE w.id = $1 AND prev.id = w.id AND w.status IS DISTINCT FROM 'removed'
       AND (NOT gate.has_live OR gate.valid)
     RETURNING prev.current_task AS previous_task, w.status, w.max_concurrent_tasks
   )
   SELECT gate.has_live, gate.valid, beat.previous_task, beat.status, beat.max_concurrent_tasks,
          beat.max_concurrent_tasks IS NOT NULL AS written,
          EXISTS (SELECT 1 FROM a2a_queue q WHERE q.workspace_id = $1 AND q.status = 'queued')
            OR EXISTS (SELECT 1 FROM a2a_queue q WHERE q.workspace_id = $1 AND q.status = 'dispatched')
            AS queued
     FROM gate LEFT JOIN beat ON true`,
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

export interface HeartbeatOutcome {
  readonly gate: TokenGate;
  readonly result: HeartbeatResult | undefined;
}

interface HeartbeatRow {
  has_live: boolean;
  valid: boolean;
  previous_task: string | null;
  status: WorkspaceStatus | null;
  max_concurrent_tasks: number | null;
  written: boolean;
  queued: boolean;
}

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

  /**
   * The gate's verdict on `tokenHash` (null when no bearer was sent) and, when it let the
   * heartbeat through, what the write returned (`result` is undefined for an unknown or
   * removed workspace, or when the gate was closed — nothing is written then).
   */
  async heartbeat(
    w: HeartbeatWrite,
    partial: boolean,
    tokenHash: Buffer | null,
  ): Promise<HeartbeatOutcome> {
    const row = (await this.db.one<HeartbeatRow>(HEARTBEAT, [
      w.workspaceId,
      w.errorRate,
      w.sampleError,
      w.activeTasks,
      w.uptimeSeconds,
      w.currentTask,
      w.monthlySpend,
      partial,
      tokenHash,
      w.nativeScheduler,
    ]))!;
    const gate: TokenGate = !row.has_live
      ? 'open'
      : tokenHash === null
        ? 'missing'
        : row.valid
          ? 'valid'
          : 'invalid';
    const result = row.written
      ? {
          previous_task: row.previous_task,
          status: row.status,
          max_concurrent_tasks: row.max_concurrent_tasks!,
          queued: row.queued,
        }
      : undefined;
    return { gate, result };
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
