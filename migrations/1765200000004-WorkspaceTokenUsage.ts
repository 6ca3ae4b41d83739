import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * LLM token usage per workspace and UTC day, summed from the usage agents report in their A2A
 * replies (spec 01 §1.3). The cost column is wider than the reference's NUMERIC(12,6) so no
 * day of heavy (or hostile) reporting can overflow it and lose the day's row.
 */
export class WorkspaceTokenUsage1765200000004 implements MigrationInterface {
  name = 'WorkspaceTokenUsage1765200000004';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE workspace_token_usage (
        id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id       UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        period_start       TIMESTAMPTZ NOT NULL,
        input_tokens       BIGINT NOT NULL DEFAULT 0,
        output_tokens      BIGINT NOT NULL DEFAULT 0,
        call_count         INTEGER NOT NULL DEFAULT 0,
        estimated_cost_usd NUMERIC(20,6) NOT NULL DEFAULT 0,
        updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT workspace_token_usage_day_key UNIQUE (workspace_id, period_start)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE workspace_token_usage`);
  }
}
