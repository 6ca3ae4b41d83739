import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `org_plugin_allowlist` (spec 01 §1.3, reference migration 026): the plugins an org root
 * allows its workspaces to install. No rows for an org means every plugin is allowed.
 */
export class OrgPluginAllowlist1765300000000 implements MigrationInterface {
  name = 'OrgPluginAllowlist1765300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE org_plugin_allowlist (
        id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id      UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        plugin_name TEXT NOT NULL,
        enabled_by  TEXT NOT NULL,
        enabled_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
        UNIQUE (org_id, plugin_name)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS org_plugin_allowlist`);
  }
}
