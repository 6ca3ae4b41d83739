import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';
import { MemoryScope } from '../../database/entities';

/** One exported memory (spec 08 §2.7); content is redacted again before it leaves. */
export interface MemoryExportRow {
  id: string;
  content: string;
  scope: MemoryScope;
  namespace: string;
  created_at: Date;
  workspace_name: string;
}

export type ImportOutcome = 'imported' | 'no-workspace' | 'duplicate';

/** Rows fetched per round trip while exporting. */
const EXPORT_BATCH = 1000;
const EXPORT_CURSOR = 'memories_export';

/**
 * Restores one memory: the workspace is found by name — a live one before a removed one,
 * then the oldest — and a memory with the same workspace, content and scope is not
 * written twice. `created_at` is parsed by PostgreSQL when given.
 */
const IMPORT_ONE = sql(
  'memories.import_one',
  `WITH target AS (
     SELECT id FROM workspaces WHERE name = $1
      ORDER BY status IS NOT DISTINCT FROM 'removed', created_at, id LIMIT 1
   ), duplicate AS (
     SELECT 1 FROM agent_memories m JOIN target t ON m.workspace_id = t.id
      WHERE m.content = $2::text AND m.scope = $3::text LIMIT 1
   ), inserted AS (
     INSERT INTO agent_memories (workspace_id, content, scope, namespace, created_at)
     SELECT id, $2::text, $3::text, $4::text, COALESCE($5::timestamptz, now()) FROM target
      WHERE NOT EXISTS (SELECT 1 FROM duplicate)
     RETURNING id
   )
   SELECT EXISTS (SELECT 1 FROM target) AS found, EXISTS (SELECT 1 FROM inserted) AS inserted`,
);

@Injectable()
export class AdminMemoriesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Every memory of a workspace that exists (removed ones included), oldest first, in batches
   * read from one server-side cursor: the export is sorted once and never held whole.
   */
  async *exportBatches(): AsyncGenerator<MemoryExportRow[]> {
    const client = await this.db.connect();
    let finished = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(
        `DECLARE ${EXPORT_CURSOR} NO SCROLL CURSOR FOR
           SELECT m.id, m.content, m.scope, m.namespace, m.created_at, w.name AS workspace_name
             FROM agent_memories m JOIN workspaces w ON w.id = m.workspace_id
            ORDER BY m.created_at, m.id`,
      );
      for (;;) {
        const { rows } = await client.query<MemoryExportRow>(
          `FETCH ${EXPORT_BATCH} FROM ${EXPORT_CURSOR}`,
        );
        if (rows.length > 0) yield rows;
        if (rows.length < EXPORT_BATCH) break;
      }
      await client.query('COMMIT');
      finished = true;
    } finally {
      if (!finished) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  async importOne(
    workspaceName: string,
    content: string,
    scope: MemoryScope,
    namespace: string,
    createdAt: string | null,
  ): Promise<ImportOutcome> {
    const row = await this.db.one<{ found: boolean; inserted: boolean }>(IMPORT_ONE, [
      workspaceName,
      content,
      scope,
      namespace,
      createdAt,
    ]);
    if (row?.inserted) return 'imported';
    return row?.found ? 'duplicate' : 'no-workspace';
  }
}
