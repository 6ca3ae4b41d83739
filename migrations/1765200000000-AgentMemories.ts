import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scoped agent memories (spec 08 §1.1) with full-text search: `content_tsv` is generated from
 * `content` (English configuration), so search needs no extension. A vector
 * column for similarity search is not part of this table: it would be added where pgvector
 * exists by a conditional migration (see `migrations/conditional.ts`), recorded only once it
 * really ran. `workspace_id` is NOT NULL and cascades (purge removes the rows anyway).
 */
export class AgentMemories1765200000000 implements MigrationInterface {
  name = 'AgentMemories1765200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE agent_memories (
        id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        content      TEXT NOT NULL,
        scope        VARCHAR(10) NOT NULL CHECK (scope IN ('LOCAL', 'TEAM', 'GLOBAL')),
        namespace    VARCHAR(50) NOT NULL DEFAULT 'general',
        created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
        content_tsv  TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', content)) STORED
      )`);
    // TypeORM reads a generated column's expression from its metadata table (which it creates
    // before migrations run, because an entity has a generated column); without this row its
    // schema diff would see the column as changed.
    await db.query(
      `INSERT INTO typeorm_metadata ("database", "schema", "table", "type", "name", "value")
       VALUES (current_database(), current_schema(), 'agent_memories', 'GENERATED_COLUMN',
               'content_tsv', 'to_tsvector(''english'', content)')`,
    );
    // LOCAL, TEAM (per writer) and the default listing: one workspace, newest first.
    await db.query(
      `CREATE INDEX idx_memories_ws_scope_time ON agent_memories (workspace_id, scope, created_at DESC, id DESC)`,
    );
    await db.query(
      `CREATE INDEX idx_memories_ws_time ON agent_memories (workspace_id, created_at DESC, id DESC)`,
    );
    await db.query(
      `CREATE INDEX idx_memories_global_time ON agent_memories (created_at DESC, id DESC) WHERE scope = 'GLOBAL'`,
    );
    // Text search within one workspace (or a team) filters that workspace's rows, found through
    // the indexes above: its cost follows the reader's memories, never the table. Only GLOBAL
    // (read by everyone) is searched through a text index, one over the GLOBAL rows alone.
    await db.query(
      `CREATE INDEX idx_memories_global_fts ON agent_memories USING GIN (content_tsv) WHERE scope = 'GLOBAL'`,
    );
    await db.query(`CREATE INDEX idx_memories_ns ON agent_memories (workspace_id, namespace)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE agent_memories`);
    await db.query(
      `DELETE FROM typeorm_metadata WHERE "table" = 'agent_memories' AND "name" = 'content_tsv'`,
    );
  }
}
