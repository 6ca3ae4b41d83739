import { Injectable } from '@nestjs/common';
import { Database, Queryable, sql } from '../../database/database.service';
import { PlannedSchedule } from './org-import-plan';

/** The preflight reads at most this many global secret keys (a log line says when it did). */
export const GLOBAL_KEY_CAP = 10_000;

const GLOBAL_KEYS = sql(
  'org.global_secret_keys',
  `SELECT key FROM global_secrets WHERE octet_length(encrypted_value) > 0
    ORDER BY key LIMIT ${GLOBAL_KEY_CAP + 1}`,
);
// Runtime-created schedules with the same name are never overwritten by a template.
const UPSERT_SCHEDULE = sql(
  'org.upsert_template_schedule',
  `INSERT INTO workspace_schedules
     (workspace_id, name, cron_expr, timezone, prompt, enabled, next_run_at, source)
   VALUES ($1, $2, $3, $4, $5, $6, $7, 'template')
   ON CONFLICT (workspace_id, name) DO UPDATE
     SET cron_expr = EXCLUDED.cron_expr, timezone = EXCLUDED.timezone, prompt = EXCLUDED.prompt,
         enabled = EXCLUDED.enabled, next_run_at = EXCLUDED.next_run_at, updated_at = now()
   WHERE workspace_schedules.source = 'template'`,
);

/** The SQL of org import that no other module owns. */
@Injectable()
export class OrgImportRepository {
  constructor(private readonly db: Database) {}

  /** Keys of global secrets holding a value; `truncated` when the cap was hit. */
  async globalSecretKeys(): Promise<{ keys: Set<string>; truncated: boolean }> {
    const rows = await this.db.query<{ key: string }>(GLOBAL_KEYS);
    return {
      keys: new Set(rows.slice(0, GLOBAL_KEY_CAP).map((row) => row.key)),
      truncated: rows.length > GLOBAL_KEY_CAP,
    };
  }

  async upsertTemplateSchedule(
    tx: Queryable,
    workspaceId: string,
    schedule: PlannedSchedule,
  ): Promise<void> {
    await tx.execute(UPSERT_SCHEDULE, [
      workspaceId,
      schedule.name,
      schedule.cronExpr,
      schedule.timezone,
      schedule.prompt,
      schedule.enabled,
      schedule.nextRunAt,
    ]);
  }
}
