import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';
import { ApprovalStatus } from '../../database/entities';

/** An item of a workspace's approval list (spec 08 §3.2). */
export interface ApprovalRow {
  id: string;
  task_id: string | null;
  action: string;
  reason: string | null;
  status: ApprovalStatus;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
}

/** An item of the canvas banner (spec 08 §3.3). */
export interface PendingApprovalRow {
  id: string;
  workspace_id: string;
  workspace_name: string;
  action: string;
  reason: string | null;
  status: ApprovalStatus;
  created_at: Date;
}

export interface NewApproval {
  readonly workspaceId: string;
  /** The server clock's now: expiry is measured on the same clock. */
  readonly createdAt: Date;
  readonly taskId: string;
  readonly action: string;
  readonly reason: string;
  readonly context: Record<string, unknown>;
}

export interface ExpiredApproval {
  id: string;
  workspace_id: string;
}

/** Lists are capped, as in the reference. */
const LIST_LIMIT = 50;
/** Rows expired per statement; a pass repeats until fewer come back. */
export const EXPIRY_BATCH = 500;

/** The request and the requester's parent (for the escalation event) in one round trip. */
const INSERT = sql(
  'approvals.insert',
  `WITH requester AS (
     SELECT id, parent_id FROM workspaces WHERE id = $1 AND status IS DISTINCT FROM 'removed'
   ), request AS (
     INSERT INTO approval_requests (workspace_id, task_id, action, reason, context, created_at)
     SELECT id, $2::text, $3::text, $4::text, $5::jsonb, $6 FROM requester
     RETURNING id
   )
   SELECT (SELECT id FROM request) AS id, (SELECT parent_id FROM requester) AS parent_id`,
);

const LIST = sql(
  'approvals.list',
  `SELECT id, task_id, action, reason, status, decided_by, decided_at, created_at
     FROM approval_requests WHERE workspace_id = $1
    ORDER BY created_at DESC, id DESC LIMIT ${LIST_LIMIT}`,
);

const PENDING = sql(
  'approvals.pending',
  `SELECT a.id, a.workspace_id, w.name AS workspace_name, a.action, a.reason, a.status, a.created_at
     FROM approval_requests a JOIN workspaces w ON w.id = a.workspace_id
    WHERE a.status = 'pending'
    ORDER BY a.created_at DESC, a.id DESC LIMIT ${LIST_LIMIT}`,
);

/** Only a request of this workspace, still pending and not yet expired, can be decided. */
const DECIDE = sql(
  'approvals.decide',
  `UPDATE approval_requests SET status = $1, decided_by = $2, decided_at = $6
    WHERE id = $3 AND workspace_id = $4 AND status = 'pending' AND created_at >= $5
    RETURNING id`,
);

/** Skips rows another replica is expiring right now, so each expiry is announced once. */
const EXPIRE = sql(
  'approvals.expire',
  `UPDATE approval_requests SET status = 'denied', decided_by = 'auto-expired', decided_at = $2
    WHERE id IN (SELECT id FROM approval_requests
                  WHERE status = 'pending' AND created_at < $1
                  ORDER BY created_at LIMIT ${EXPIRY_BATCH} FOR UPDATE SKIP LOCKED)
    RETURNING id, workspace_id`,
);

/** SQL for `approval_requests`. Callers pass canonical UUIDs. */
@Injectable()
export class ApprovalsRepository {
  constructor(private readonly db: Database) {}

  /** The new request's id and the requester's parent; undefined when no such workspace. */
  async insert(
    approval: NewApproval,
  ): Promise<{ id: string; parentId: string | null } | undefined> {
    const row = await this.db.one<{ id: string | null; parent_id: string | null }>(INSERT, [
      approval.workspaceId,
      approval.taskId,
      approval.action,
      approval.reason,
      JSON.stringify(approval.context),
      approval.createdAt,
    ]);
    return row?.id ? { id: row.id, parentId: row.parent_id } : undefined;
  }

  list(workspaceId: string): Promise<ApprovalRow[]> {
    return this.db.query<ApprovalRow>(LIST, [workspaceId]);
  }

  pending(): Promise<PendingApprovalRow[]> {
    return this.db.query<PendingApprovalRow>(PENDING);
  }

  /**
   * True when the request was pending and still decidable (created at or after `notBefore`),
   * and is now decided as of `now`.
   */
  async decide(
    workspaceId: string,
    approvalId: string,
    decision: 'approved' | 'denied',
    decidedBy: string,
    notBefore: Date,
    now: Date,
  ): Promise<boolean> {
    const rows = await this.db.query(DECIDE, [
      decision,
      decidedBy,
      approvalId,
      workspaceId,
      notBefore,
      now,
    ]);
    return rows.length > 0;
  }

  /** Denies (as `auto-expired`, at `now`) up to one batch of requests pending since before `cutoff`. */
  expire(cutoff: Date, now: Date): Promise<ExpiredApproval[]> {
    return this.db.query<ExpiredApproval>(EXPIRE, [cutoff, now]);
  }
}
