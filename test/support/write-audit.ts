import { AsyncLocalStorage } from 'node:async_hooks';
import type { Server } from 'node:http';
import { Client } from 'pg';
import { TestDatabase } from './test-database';

/** One row written (inserted, updated or deleted) in the test database. */
export interface AuditedWrite {
  readonly id: number;
  readonly tbl: string;
  readonly op: string;
  /** For an UPDATE, the columns it changed. */
  readonly detail: string | null;
  /** The `X-Test-Request-Id` of the request whose work wrote it; '' for work of no request. */
  readonly request: string;
}

/** The header a test sends to name its request in the audit. */
export const REQUEST_ID_HEADER = 'x-test-request-id';

const currentRequest = new AsyncLocalStorage<string>();
let pgPatched = false;

/** Statements that cannot write a row (there are no stored functions that could). */
const READ_ONLY = /^\s*(?:SELECT|SHOW)\b/i;

/**
 * Every statement this process sends to PostgreSQL that may write first names the request it
 * runs for (the session setting `zz.request`), read from the async context of the caller.
 * Requests enter that context when the server receives them, so work a request leaves running
 * (a background task, a reconcile it nudged) is attributed to it; loops started with the app
 * are attributed to no request. Tests only: one extra round trip per such statement.
 */
function patchPgClient(): void {
  if (pgPatched) return;
  pgPatched = true;
  const query = Client.prototype.query as (...args: unknown[]) => unknown;
  (Client.prototype as { query: unknown }).query = function (this: Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: unknown; submit?: unknown } | undefined;
    const text = typeof first === 'string' ? first : first?.text;
    if (typeof text === 'string' && READ_ONLY.test(text)) return query.apply(this, args);
    // The statement is sent once its label is set (so the client never runs two at once);
    // it keeps its place in line, and the caller gets what it would have got.
    const labelled = (
      query.call(this, "SELECT set_config('zz.request', $1, false)", [
        currentRequest.getStore() ?? '',
      ]) as Promise<unknown>
    ).catch(() => undefined); // an aborted transaction: the statement itself will say so
    const submittable = typeof first === 'object' && typeof first?.submit === 'function';
    const hasCallback = typeof args[args.length - 1] === 'function';
    const sent = labelled.then(() => query.apply(this, args));
    if (submittable) return first;
    if (hasCallback) return undefined;
    return sent;
  };
}

/**
 * Records every row any statement writes in the test database, through a trigger on every
 * table, with the request whose work wrote it — the check behind "a rejected request writes
 * nothing", exact even while other requests' background work keeps writing. An UPDATE that
 * changes nothing, or only a token's `last_used_at` (authentication bookkeeping, not the
 * request's effect), is not recorded. Uninstalled with the database.
 */
export class WriteAudit {
  private constructor(private readonly db: TestDatabase) {}

  /** Installs the triggers, and the request attribution on `server` (the app under test). */
  static async install(db: TestDatabase, server: Server): Promise<WriteAudit> {
    patchPgClient();
    server.prependListener('request', (req) => {
      const id = req.headers[REQUEST_ID_HEADER];
      currentRequest.enterWith(typeof id === 'string' ? id : 'unnamed');
    });
    await db.query(`
      CREATE TABLE IF NOT EXISTS zz_write_audit (
        id      bigserial PRIMARY KEY,
        tbl     text NOT NULL,
        op      text NOT NULL,
        detail  text,
        request text NOT NULL DEFAULT ''
      );
      CREATE INDEX IF NOT EXISTS zz_write_audit_request ON zz_write_audit (request);
      CREATE OR REPLACE FUNCTION zz_write_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'last_used_at') = (to_jsonb(OLD) - 'last_used_at') THEN
          RETURN NULL;
        END IF;
        INSERT INTO zz_write_audit (tbl, op, detail, request) VALUES (
          TG_TABLE_NAME, TG_OP,
          CASE WHEN TG_OP = 'UPDATE' THEN (
            SELECT string_agg(n.key, ',' ORDER BY n.key) FROM jsonb_each(to_jsonb(NEW)) n
            WHERE n.value IS DISTINCT FROM to_jsonb(OLD) -> n.key
          ) END,
          coalesce(current_setting('zz.request', true), ''));
        RETURN NULL;
      END $$;
      DO $$
      DECLARE t text;
      BEGIN
        FOR t IN
          SELECT tablename FROM pg_tables
          WHERE schemaname = 'public' AND tablename <> 'zz_write_audit'
        LOOP
          EXECUTE format('DROP TRIGGER IF EXISTS zz_write_audit ON %I', t);
          EXECUTE format(
            'CREATE TRIGGER zz_write_audit AFTER INSERT OR UPDATE OR DELETE ON %I
             FOR EACH ROW EXECUTE FUNCTION zz_write_audit()', t);
        END LOOP;
      END $$;`);
    return new WriteAudit(db);
  }

  /** What the work of the named request has written so far. */
  async byRequest(request: string): Promise<AuditedWrite[]> {
    return this.db.query<AuditedWrite>(
      'SELECT id::int, tbl, op, detail, request FROM zz_write_audit WHERE request = $1 ORDER BY id',
      [request],
    );
  }

  /** What the work of any of the named requests has written so far. */
  async byRequests(requests: readonly string[]): Promise<AuditedWrite[]> {
    return this.db.query<AuditedWrite>(
      'SELECT id::int, tbl, op, detail, request FROM zz_write_audit WHERE request = ANY($1) ORDER BY id',
      [requests],
    );
  }
}

/** A summary of writes for a failure message: `2× INSERT activity_logs, 1× UPDATE workspaces (status)`. */
export function describeWrites(writes: readonly AuditedWrite[]): string {
  const counts = new Map<string, number>();
  for (const w of writes) {
    const what = `${w.op} ${w.tbl}${w.detail ? ` (${w.detail})` : ''}`;
    counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  return [...counts].map(([what, n]) => `${n}× ${what}`).join(', ');
}
