import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Temporal workflow checkpoints (spec 08 §1.3): one row per workflow step, replaced on repeat.
 * The second index leads with the workspace so `latest` (across workflows) is one index probe.
 */
export class WorkflowCheckpoints1765200000002 implements MigrationInterface {
  name = 'WorkflowCheckpoints1765200000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE workflow_checkpoints (
        id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        workflow_id  TEXT NOT NULL,
        step_name    TEXT NOT NULL,
        step_index   INTEGER NOT NULL,
        completed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        payload      JSONB,
        CONSTRAINT workflow_checkpoints_step_key UNIQUE (workspace_id, workflow_id, step_name)
      )`);
    await db.query(
      `CREATE INDEX idx_wf_checkpoints_latest ON workflow_checkpoints
         (workspace_id, completed_at DESC, step_index DESC, id DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE workflow_checkpoints`);
  }
}
