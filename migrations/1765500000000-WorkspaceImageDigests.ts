import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The digest each workspace image last had when the digest watcher looked (spec 04 §9). Kept
 * in PostgreSQL, not in memory as in the reference, so replicas agree on what is new and a
 * restart neither forgets a change nor refreshes twice.
 */
export class WorkspaceImageDigests1765500000000 implements MigrationInterface {
  name = 'WorkspaceImageDigests1765500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE workspace_image_digests (
        image       TEXT PRIMARY KEY,
        digest      TEXT NOT NULL,
        observed_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS workspace_image_digests`);
  }
}
