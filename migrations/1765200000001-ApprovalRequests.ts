import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Human approval requests (spec 08 §1.2). `context` is never NULL (an omitted context is `{}`),
 * `workspace_id` is NOT NULL and cascades. The partial index serves the pending banner and the
 * expiry sweep.
 */
export class ApprovalRequests1765200000001 implements MigrationInterface {
  name = 'ApprovalRequests1765200000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE approval_requests (
        id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        task_id      TEXT,
        action       TEXT NOT NULL,
        reason       TEXT,
        context      JSONB NOT NULL DEFAULT '{}',
        status       TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'approved', 'denied', 'escalated')),
        decided_by   TEXT,
        decided_at   TIMESTAMPTZ,
        created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX idx_approvals_ws_time ON approval_requests (workspace_id, created_at DESC, id DESC)`,
    );
    await db.query(
      `CREATE INDEX idx_approvals_pending ON approval_requests (created_at) WHERE status = 'pending'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE approval_requests`);
  }
}
