import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A migration that only some servers can take — typically one that needs an extension which
 * may be missing (pgvector for an `agent_memories.embedding` column). `applies` is asked at
 * every boot until the migration has run; the migration is recorded in `typeorm_migrations`
 * only once its `up` really ran. A failed `up` is rolled back and logged, and boot goes on
 * (the reference recorded its pgvector migration as applied even when the extension was
 * missing, so installing pgvector later never added the column).
 *
 * A future similarity-search step would look like:
 *
 *   applies: SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector')
 *   up:      CREATE EXTENSION IF NOT EXISTS vector;
 *            ALTER TABLE agent_memories ADD COLUMN embedding vector(1536);
 *            CREATE INDEX … USING hnsw (embedding vector_cosine_ops) WHERE embedding IS NOT NULL;
 */
export interface ConditionalMigration extends MigrationInterface {
  /** Class-style name ending in a 13-digit timestamp, like every migration. */
  readonly name: string;
  /** Whether this server can take the migration now. */
  applies(db: QueryRunner): Promise<boolean>;
}
