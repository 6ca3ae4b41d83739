import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operator-defined instructions prepended to agents' system prompts (spec 08 §1.4).
 * `scope_target` has no foreign key: a workspace-scoped row outlives its workspace.
 */
export class PlatformInstructions1765200000003 implements MigrationInterface {
  name = 'PlatformInstructions1765200000003';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE platform_instructions (
        id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        scope        TEXT NOT NULL CHECK (scope IN ('global', 'team', 'workspace')),
        scope_target TEXT,
        title        TEXT NOT NULL CHECK (char_length(title) <= 200),
        content      TEXT NOT NULL CHECK (char_length(content) <= 8192),
        priority     INTEGER NOT NULL DEFAULT 0,
        enabled      BOOLEAN NOT NULL DEFAULT true,
        created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX idx_platform_instructions_scope ON platform_instructions (scope, scope_target)
         WHERE enabled = true`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE platform_instructions`);
  }
}
