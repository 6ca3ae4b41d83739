import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lifecycle reconciler's state, on the workspace row (ARCHITECTURE.md "Lifecycle as a
 * reconciler"):
 *
 * - `desired_state` / `desired_generation`: what the workspace should be. Every trigger
 *   (create, restart, secret change, dead container, wake, resume, pause, hibernate, delete)
 *   writes the desire and bumps the generation — requests that arrive while a cycle runs raise
 *   it once more, which is the seed's coalescing contract by construction.
 * - `observed_state` / `observed_generation`: what the last finished cycle left, for which
 *   generation. The workspace is settled when the two generations are equal.
 * - `provision_request`: options of the next provision (template, generated config, reset,
 *   restart-context message), kept until a provision consumes them, so a crash loses nothing.
 * - `reconcile_owner` / `reconcile_lease_until`: the per-workspace claim. A replica holds it
 *   while it acts and renews the lease; a dead replica's claim lapses and another takes over.
 * - `reconcile_not_before`, `reconcile_attempts`, `reconcile_error`, `reconcile_error_generation`:
 *   the backoff and the canned reason of the last failed attempt (never engine text).
 *
 * Existing rows start settled in the state their status implies: nothing is re-provisioned by
 * the upgrade itself.
 */
export class WorkspaceReconciler1765000000000 implements MigrationInterface {
  name = 'WorkspaceReconciler1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE workspaces
        ADD COLUMN desired_state TEXT NOT NULL DEFAULT 'running'
          CHECK (desired_state IN ('running', 'paused', 'hibernated', 'removed')),
        ADD COLUMN desired_generation BIGINT NOT NULL DEFAULT 0,
        ADD COLUMN observed_state TEXT NOT NULL DEFAULT 'running'
          CHECK (observed_state IN ('running', 'failed', 'paused', 'hibernated', 'removed')),
        ADD COLUMN observed_generation BIGINT NOT NULL DEFAULT 0,
        ADD COLUMN provision_request JSONB,
        ADD COLUMN reconcile_owner TEXT,
        ADD COLUMN reconcile_lease_until TIMESTAMPTZ,
        ADD COLUMN reconcile_not_before TIMESTAMPTZ,
        ADD COLUMN reconcile_attempts INTEGER NOT NULL DEFAULT 0,
        ADD COLUMN reconcile_error TEXT,
        ADD COLUMN reconcile_error_generation BIGINT`);
    await db.query(`
      UPDATE workspaces SET
        desired_state = CASE WHEN status IN ('removed', 'paused', 'hibernated') THEN status::text ELSE 'running' END,
        observed_state = CASE WHEN status IN ('removed', 'paused', 'hibernated') THEN status::text ELSE 'running' END`);
    // The scan reads only unsettled rows; settled ones (nearly all) stay out of the index.
    await db.query(`
      CREATE INDEX idx_workspaces_reconcile_pending ON workspaces (reconcile_not_before NULLS FIRST)
        WHERE desired_generation <> observed_generation`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX idx_workspaces_reconcile_pending`);
    await db.query(`
      ALTER TABLE workspaces
        DROP COLUMN desired_state, DROP COLUMN desired_generation, DROP COLUMN observed_state,
        DROP COLUMN observed_generation, DROP COLUMN provision_request, DROP COLUMN reconcile_owner,
        DROP COLUMN reconcile_lease_until, DROP COLUMN reconcile_not_before,
        DROP COLUMN reconcile_attempts, DROP COLUMN reconcile_error,
        DROP COLUMN reconcile_error_generation`);
  }
}
