import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

export const PRIORITY = { critical: 100, task: 50, info: 10 } as const;

export interface ClaimedItem {
  id: string;
  caller_id: string | null;
  body: unknown;
  method: string | null;
  attempts: number;
}

/**
 * A message with the same active idempotency key (its messageId) is not queued twice: the
 * existing row's id is returned instead.
 */
const ENQUEUE = sql(
  'queue.enqueue',
  `WITH inserted AS (
     INSERT INTO a2a_queue (workspace_id, caller_id, priority, body, method, idempotency_key, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))
     ON CONFLICT (workspace_id, idempotency_key)
       WHERE idempotency_key IS NOT NULL AND status IN ('queued', 'dispatched')
       DO NOTHING
     RETURNING id
   )
   SELECT COALESCE(
     (SELECT id FROM inserted),
     (SELECT id FROM a2a_queue WHERE workspace_id = $1 AND idempotency_key = $6
         AND status IN ('queued', 'dispatched') LIMIT 1)
   )::text AS id`,
);
const DEPTH = sql(
  'queue.depth',
  `SELECT count(*)::int AS depth FROM a2a_queue WHERE workspace_id = $1 AND status = 'queued'`,
);
/**
 * Claims the next item for this replica in one statement: highest priority, then oldest; rows
 * another replica is claiming are skipped, so each item goes to exactly one drainer. An item a
 * dead replica claimed but never sent (its lease lapsed, `$3`) is claimed again; one it had
 * sent is closed as interrupted in the same statement — never sent twice. Items claimed before
 * leases existed count as sent once older than `$2` seconds.
 */
const CLAIM = sql(
  'queue.claim',
  `WITH interrupted AS (
     UPDATE a2a_queue
        SET status = 'failed', dispatch_owner = NULL, dispatch_lease_until = NULL,
            last_error = concat_ws(E'\\n', last_error, $6::text)
      WHERE workspace_id = $1 AND status = 'dispatched'
        AND (dispatch_sent_at IS NOT NULL OR dispatch_owner IS NULL)
        AND COALESCE(dispatch_lease_until, dispatched_at + make_interval(secs => $2)) < $3)
   UPDATE a2a_queue
      SET status = 'dispatched', dispatched_at = now(),
          attempts = attempts + CASE WHEN status = 'queued' THEN 1 ELSE 0 END,
          dispatch_owner = $4, dispatch_lease_until = $5, dispatch_sent_at = NULL
    WHERE id = (
      SELECT id FROM a2a_queue
       WHERE workspace_id = $1
         AND (status = 'queued'
              OR (status = 'dispatched' AND dispatch_owner IS NOT NULL
                  AND dispatch_sent_at IS NULL AND dispatch_lease_until < $3))
         AND (expires_at IS NULL OR expires_at > now())
       ORDER BY priority DESC, enqueued_at ASC, id
       FOR UPDATE SKIP LOCKED
       LIMIT 1)
    RETURNING id::text, caller_id, body, method, attempts`,
);
/** The message is about to leave; only while the item is still this replica's. */
const MARK_SENT = sql(
  'queue.mark_sent',
  `UPDATE a2a_queue SET dispatch_sent_at = now()
    WHERE id = $1 AND dispatch_owner = $2 AND status = 'dispatched'`,
);
const RENEW = sql(
  'queue.renew',
  `UPDATE a2a_queue SET dispatch_lease_until = GREATEST(dispatch_lease_until, $3)
    WHERE dispatch_owner = $1 AND id = ANY($2::uuid[]) AND status = 'dispatched'`,
);
/** Every outcome below is written only while the item is still this replica's (`$2`). */
const RELEASE = `dispatch_owner = NULL, dispatch_lease_until = NULL, dispatch_sent_at = NULL`;
const COMPLETE = sql(
  'queue.complete',
  `UPDATE a2a_queue SET status = 'completed', completed_at = now(), ${RELEASE}
    WHERE id = $1 AND dispatch_owner = $2`,
);
/** Still busy: back in line, untouched otherwise (the busy retry is not a failure). */
const REQUEUE = sql(
  'queue.requeue',
  `UPDATE a2a_queue SET status = 'queued', dispatched_at = NULL, last_error = $3, ${RELEASE}
    WHERE id = $1 AND dispatch_owner = $2`,
);
const FAIL = sql(
  'queue.fail',
  `UPDATE a2a_queue
      SET status = CASE WHEN attempts >= $4 THEN 'failed' ELSE 'queued' END,
          dispatched_at = NULL, last_error = $3, ${RELEASE}
    WHERE id = $1 AND dispatch_owner = $2
    RETURNING status`,
);
const EXPIRE = sql(
  'queue.expire',
  `UPDATE a2a_queue SET status = 'dropped', last_error = concat_ws(E'\\n', last_error, 'expired before it could be delivered')
    WHERE status = 'queued' AND expires_at IS NOT NULL AND expires_at <= now()`,
);

/** The reference's audit note, kept even when `last_error` was NULL (its `||` lost it). */
const DROP_STALE = sql(
  'queue.drop_stale',
  `UPDATE a2a_queue
      SET status = 'dropped',
          last_error = concat_ws(E'\n', last_error,
            '[DropStaleQueueItems] auto-dropped: queue item age exceeded the post-incident TTL. Dropped at ' || now())
    WHERE id IN (
      SELECT id FROM a2a_queue
       WHERE status = 'queued' AND enqueued_at < now() - make_interval(mins => $1)
         AND ($2::uuid IS NULL OR workspace_id = $2::uuid)
       FOR UPDATE SKIP LOCKED)`,
);

/** Appended to `last_error` of a delivery whose replica died after its message left. */
export const INTERRUPTED_DELIVERY_ERROR =
  'delivery interrupted: the platform instance delivering it stopped; not sent again (the agent may have received it)';

/** SQL for `a2a_queue`. */
@Injectable()
export class A2AQueueRepository {
  constructor(private readonly db: Database) {}

  async enqueue(item: {
    workspaceId: string;
    callerId: string | null;
    priority: number;
    body: unknown;
    method: string | null;
    idempotencyKey: string | null;
    ttlSeconds: number;
  }): Promise<{ id: string; depth: number }> {
    const row = await this.db.one<{ id: string }>(ENQUEUE, [
      item.workspaceId,
      item.callerId,
      item.priority,
      JSON.stringify(item.body),
      item.method,
      item.idempotencyKey,
      item.ttlSeconds,
    ]);
    const depth = await this.db
      .one<{ depth: number }>(DEPTH, [item.workspaceId])
      .catch(() => undefined);
    return { id: row!.id, depth: depth?.depth ?? 0 };
  }

  /**
   * The next item of `workspaceId` for `lease.owner` (see CLAIM); `now` is the clock leases are
   * measured on, `unleasedAfterSeconds` the age at which an item claimed without a lease counts
   * as lost.
   */
  claim(
    workspaceId: string,
    lease: { owner: string; until: Date },
    now: Date,
    unleasedAfterSeconds: number,
  ): Promise<ClaimedItem | undefined> {
    return this.db.one<ClaimedItem>(CLAIM, [
      workspaceId,
      unleasedAfterSeconds,
      now,
      lease.owner,
      lease.until,
      INTERRUPTED_DELIVERY_ERROR,
    ]);
  }

  /** False when the item is no longer this replica's (another one took it over). */
  async markSent(id: string, owner: string): Promise<boolean> {
    return (await this.db.execute(MARK_SENT, [id, owner])) > 0;
  }

  async renew(owner: string, ids: readonly string[], until: Date): Promise<void> {
    await this.db.execute(RENEW, [owner, ids, until]);
  }

  async complete(id: string, owner: string): Promise<void> {
    await this.db.execute(COMPLETE, [id, owner]);
  }

  async requeue(id: string, owner: string, reason: string): Promise<void> {
    await this.db.execute(REQUEUE, [id, owner, reason]);
  }

  /**
   * Back to `queued`, or `failed` once `maxAttempts` deliveries were tried; undefined when the
   * item is no longer this replica's.
   */
  async fail(
    id: string,
    owner: string,
    message: string,
    maxAttempts: number,
  ): Promise<'queued' | 'failed' | undefined> {
    return (
      await this.db.one<{ status: 'queued' | 'failed' }>(FAIL, [id, owner, message, maxAttempts])
    )?.status;
  }

  expire(): Promise<number> {
    return this.db.execute(EXPIRE);
  }

  dropStale(maxAgeMinutes: number, workspaceId: string | null): Promise<number> {
    return this.db.execute(DROP_STALE, [maxAgeMinutes, workspaceId]);
  }
}
