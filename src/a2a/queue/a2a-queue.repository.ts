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
 * Claims the next item in one statement: highest priority, then oldest; rows another
 * replica is claiming are skipped, so each item goes to exactly one drainer. A row left
 * `dispatched` longer than the dispatch ceiling (its drainer died) is claimable again.
 */
const CLAIM = sql(
  'queue.claim',
  `UPDATE a2a_queue SET status = 'dispatched', dispatched_at = now(), attempts = attempts + 1
    WHERE id = (
      SELECT id FROM a2a_queue
       WHERE workspace_id = $1
         AND (status = 'queued' OR (status = 'dispatched' AND dispatched_at < now() - make_interval(secs => $2)))
         AND (expires_at IS NULL OR expires_at > now())
       ORDER BY priority DESC, enqueued_at ASC, id
       FOR UPDATE SKIP LOCKED
       LIMIT 1)
    RETURNING id::text, caller_id, body, method, attempts`,
);
const COMPLETE = sql(
  'queue.complete',
  `UPDATE a2a_queue SET status = 'completed', completed_at = now() WHERE id = $1`,
);
/** Still busy: back in line, untouched otherwise (the busy retry is not a failure). */
const REQUEUE = sql(
  'queue.requeue',
  `UPDATE a2a_queue SET status = 'queued', dispatched_at = NULL, last_error = $2 WHERE id = $1`,
);
const FAIL = sql(
  'queue.fail',
  `UPDATE a2a_queue
      SET status = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'queued' END,
          dispatched_at = NULL, last_error = $2
    WHERE id = $1
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

  claim(workspaceId: string, reclaimAfterSeconds: number): Promise<ClaimedItem | undefined> {
    return this.db.one<ClaimedItem>(CLAIM, [workspaceId, reclaimAfterSeconds]);
  }

  async complete(id: string): Promise<void> {
    await this.db.execute(COMPLETE, [id]);
  }

  async requeue(id: string, reason: string): Promise<void> {
    await this.db.execute(REQUEUE, [id, reason]);
  }

  /** Back to `queued`, or `failed` once `maxAttempts` deliveries were tried. */
  async fail(id: string, message: string, maxAttempts: number): Promise<'queued' | 'failed'> {
    return (await this.db.one<{ status: 'queued' | 'failed' }>(FAIL, [id, message, maxAttempts]))!
      .status;
  }

  expire(): Promise<number> {
    return this.db.execute(EXPIRE);
  }

  dropStale(maxAgeMinutes: number, workspaceId: string | null): Promise<number> {
    return this.db.execute(DROP_STALE, [maxAgeMinutes, workspaceId]);
  }
}
