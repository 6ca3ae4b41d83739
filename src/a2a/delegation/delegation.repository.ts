import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';
import { completedSummary, delegatingSummary } from './delegation-text';

/** Statuses a `delegate` row moves through (spec 03 §4.1). */
export type DelegateStatus = 'pending' | 'dispatched' | 'queued' | 'completed' | 'failed';

export interface NewDelegateRow {
  readonly sourceId: string;
  readonly targetId: string;
  readonly delegationId: string;
  readonly task: string;
  readonly status: DelegateStatus;
  readonly idempotencyKey: string | null;
}

export interface NewResultRow {
  readonly sourceId: string;
  readonly targetId: string | null;
  readonly status: 'queued' | 'completed' | 'failed';
  readonly summary: string;
  readonly responseBody: Record<string, unknown>;
  readonly errorDetail: string | null;
}

/** The delegation holding an idempotency key. */
export interface KeyedDelegation {
  delegation_id: string | null;
  status: string | null;
  target_id: string | null;
}

/** A `delegate` / `delegate_result` row as `GET /delegations` reads it. */
export interface DelegationRow {
  id: string;
  activity_type: string;
  source_id: string | null;
  target_id: string | null;
  summary: string | null;
  status: string | null;
  error_detail: string | null;
  created_at: Date | null;
  delegation_id: string | null;
  /** `response_body` as PostgreSQL prints it (the raw preview of queued rows relies on it). */
  response_json: string | null;
}

export const LIST_LIMIT = 50;

const INSERT_DELEGATE = sql(
  'delegation.insert_delegate',
  `INSERT INTO activity_logs (workspace_id, activity_type, source_id, target_id, method, summary,
                              request_body, status, idempotency_key)
   VALUES ($1, 'delegation', $2, $3, 'delegate', $4, $5::jsonb, $6, $7)`,
);
/** `error_detail` only changes when there is a new one. */
const SET_STATUS = sql(
  'delegation.set_status',
  `UPDATE activity_logs
      SET status = $3, error_detail = CASE WHEN $4 = '' THEN error_detail ELSE $4 END
    WHERE workspace_id = $1 AND activity_type = 'delegation' AND method = 'delegate'
      AND request_body->>'delegation_id' = $2
   RETURNING target_id`,
);
const INSERT_RESULT = sql(
  'delegation.insert_result',
  `INSERT INTO activity_logs (workspace_id, activity_type, source_id, target_id, method, summary,
                              response_body, status, error_detail)
   VALUES ($1, 'delegation', $2, $3, 'delegate_result', $4, $5::jsonb, $6, $7)`,
);
/**
 * A drained delegation's result rows (spec 03 §3.5): the `delegate_result` row and — unlike
 * the reference, which left it at `queued` — the `delegate` row itself.
 */
const COMPLETE_QUEUED = sql(
  'delegation.complete_queued',
  `UPDATE activity_logs
      SET status = 'completed',
          summary = CASE WHEN method = 'delegate_result' THEN $4 ELSE summary END,
          response_body = CASE WHEN method = 'delegate_result' THEN $5::jsonb ELSE response_body END
    WHERE workspace_id = $1 AND target_id = $2 AND activity_type = 'delegation'
      AND ((method = 'delegate_result' AND response_body->>'delegation_id' = $3)
        OR (method = 'delegate' AND request_body->>'delegation_id' = $3 AND status = 'queued'))`,
);
const FIND_BY_KEY = sql(
  'delegation.find_by_key',
  `SELECT request_body->>'delegation_id' AS delegation_id, status, target_id
     FROM activity_logs WHERE workspace_id = $1 AND idempotency_key = $2 LIMIT 1`,
);
const RELEASE_FAILED = sql(
  'delegation.release_failed',
  `DELETE FROM activity_logs WHERE workspace_id = $1 AND idempotency_key = $2 AND status = 'failed'`,
);
const LIST = sql(
  'delegation.list',
  `SELECT id, activity_type, source_id, target_id, summary, status, error_detail, created_at,
          COALESCE(NULLIF(request_body->>'delegation_id', ''), response_body->>'delegation_id')
            AS delegation_id,
          response_body::text AS response_json
     FROM activity_logs
    WHERE workspace_id = $1 AND method IN ('delegate', 'delegate_result')
    ORDER BY created_at DESC
    LIMIT ${LIST_LIMIT}`,
);

/**
 * The delegation rows of a source workspace's activity log (spec 03 §4.1). They are written
 * here directly, not through the activity logger: delegation rows broadcast no ACTIVITY_LOGGED.
 */
@Injectable()
export class DelegationRepository {
  constructor(private readonly db: Database) {}

  async insertDelegate(row: NewDelegateRow): Promise<void> {
    await this.db.execute(INSERT_DELEGATE, [
      row.sourceId,
      row.sourceId,
      row.targetId,
      delegatingSummary(row.targetId),
      JSON.stringify({ task: row.task, delegation_id: row.delegationId }),
      row.status,
      row.idempotencyKey,
    ]);
  }

  /** Moves the `delegate` row(s) of a delegation; returns their target, when one is known. */
  async setStatus(
    sourceId: string,
    delegationId: string,
    status: DelegateStatus,
    errorDetail = '',
  ): Promise<string | undefined> {
    const rows = await this.db.query<{ target_id: string | null }>(SET_STATUS, [
      sourceId,
      delegationId,
      status,
      errorDetail,
    ]);
    return rows.find((r) => r.target_id)?.target_id ?? undefined;
  }

  async insertResult(row: NewResultRow): Promise<void> {
    await this.db.execute(INSERT_RESULT, [
      row.sourceId,
      row.sourceId,
      row.targetId,
      row.summary,
      JSON.stringify(row.responseBody),
      row.status,
      row.errorDetail,
    ]);
  }

  /** Completes a queued delegation with the drained reply; returns how many rows changed. */
  completeQueued(
    sourceId: string,
    targetId: string,
    delegationId: string,
    text: string,
  ): Promise<number> {
    return this.db.execute(COMPLETE_QUEUED, [
      sourceId,
      targetId,
      delegationId,
      completedSummary(text),
      JSON.stringify({ text, delegation_id: delegationId }),
    ]);
  }

  findByKey(sourceId: string, key: string): Promise<KeyedDelegation | undefined> {
    return this.db.one<KeyedDelegation>(FIND_BY_KEY, [sourceId, key]);
  }

  /** Frees a key whose delegation failed, so a fresh one can take it. */
  async releaseFailed(sourceId: string, key: string): Promise<void> {
    await this.db.execute(RELEASE_FAILED, [sourceId, key]);
  }

  /** The newest delegation rows first. */
  list(workspaceId: string): Promise<DelegationRow[]> {
    return this.db.query<DelegationRow>(LIST, [workspaceId]);
  }
}
