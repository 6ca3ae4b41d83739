import { Injectable } from '@nestjs/common';
import { Database, sql, Statement } from '../../database/database.service';
import { MemoryScope } from '../../database/entities';
import { MemoryScopeFilter } from './memory-query';

/** A memory as the API answers it (before GLOBAL content is wrapped). */
export interface MemoryRow {
  id: string;
  workspace_id: string;
  content: string;
  scope: MemoryScope;
  namespace: string;
  created_at: Date;
}

export type CommitOutcome =
  | { readonly kind: 'stored'; readonly id: string }
  | { readonly kind: 'no-workspace' }
  | { readonly kind: 'not-root' };

/**
 * The write, the GLOBAL root rule and the GLOBAL audit row in one statement: a GLOBAL memory
 * is never written by a child (whatever happens to its parent meanwhile), nor without its
 * audit row. Removed workspaces take no new memories.
 */
const COMMIT = sql(
  'memories.commit',
  `WITH writer AS (
     SELECT id, parent_id FROM workspaces WHERE id = $1 AND status IS DISTINCT FROM 'removed'
   ), memory AS (
     INSERT INTO agent_memories (workspace_id, content, scope, namespace)
     SELECT id, $2::text, $3::text, $4::text FROM writer WHERE $3::text <> 'GLOBAL' OR parent_id IS NULL
     RETURNING id, workspace_id
   ), audit AS (
     INSERT INTO activity_logs (workspace_id, activity_type, source_id, status, summary, request_body)
     SELECT workspace_id, 'memory_write_global', workspace_id::text, 'ok',
            'GLOBAL memory written: id=' || id || ' namespace=' || $4::text,
            jsonb_build_object('memory_id', id, 'namespace', $4::text, 'content_sha256', $5::text)
       FROM memory WHERE $3::text = 'GLOBAL'
   )
   SELECT EXISTS (SELECT 1 FROM writer) AS found, (SELECT id FROM memory) AS id`,
);

const DELETE = sql(
  'memories.delete',
  `DELETE FROM agent_memories WHERE id = $1 AND workspace_id = $2`,
);

/** A query that had to be searched had no lexemes (only stop words, or only punctuation). */
const TSQUERY_IS_EMPTY = sql(
  'memories.tsquery_is_empty',
  `SELECT numnode(plainto_tsquery('english', $1)) = 0 AS empty`,
);

const COLUMNS = `m.id, m.workspace_id, m.content, m.scope, m.namespace, m.created_at`;

/**
 * Rows each scope may read, `$1` being the reader. TEAM: rows written by the reader's team —
 * itself, its parent, its siblings (same parent; roots are not each other's siblings) and its
 * direct children — whose writer is not removed. GLOBAL: every GLOBAL row.
 */
const SCOPE_FILTERS: Record<MemoryScopeFilter, { where: string; usesReader: boolean }> = {
  OWN: { where: `m.workspace_id = $1`, usesReader: true },
  LOCAL: { where: `m.workspace_id = $1 AND m.scope = 'LOCAL'`, usesReader: true },
  GLOBAL: { where: `m.scope = 'GLOBAL'`, usesReader: false },
  TEAM: {
    where: `m.scope = 'TEAM' AND m.workspace_id IN (
        SELECT w.id FROM workspaces me JOIN workspaces w
            ON w.id = me.id OR w.parent_id = me.id OR w.id = me.parent_id OR w.parent_id = me.parent_id
         WHERE me.id = $1 AND w.status IS DISTINCT FROM 'removed')`,
    usesReader: true,
  },
};

export type SearchMode = 'recent' | 'fts' | 'substring';

export interface SearchSpec {
  readonly readerId: string;
  readonly scope: MemoryScopeFilter;
  readonly mode: SearchMode;
  /** The text of `fts`, the escaped `%…%` pattern of `substring`. */
  readonly text?: string;
  readonly namespace?: string;
  readonly limit: number;
}

const searchStatements = new Map<string, Statement>();

/**
 * One named statement per (scope, mode, namespace filter) — 24 at most — so each keeps its
 * own prepared plan and its own counter on `/metrics`.
 */
function searchStatement(spec: SearchSpec): { statement: Statement; values: unknown[] } {
  const filter = SCOPE_FILTERS[spec.scope];
  const values: unknown[] = filter.usesReader ? [spec.readerId] : [];
  const param = (value: unknown) => `$${values.push(value)}`;

  const where = [filter.where];
  if (spec.namespace !== undefined) where.push(`m.namespace = ${param(spec.namespace)}`);
  let order = `m.created_at DESC, m.id DESC`;
  if (spec.mode === 'fts') {
    const tsquery = `plainto_tsquery('english', ${param(spec.text)})`;
    where.push(`m.content_tsv @@ ${tsquery}`);
    order = `ts_rank(m.content_tsv, ${tsquery}) DESC, ${order}`;
  } else if (spec.mode === 'substring') {
    where.push(`m.content ILIKE ${param(spec.text)} ESCAPE '\\'`);
  }
  const limit = param(spec.limit);

  const name = `memories.search_${spec.scope.toLowerCase()}_${spec.mode}${spec.namespace === undefined ? '' : '_ns'}`;
  let statement = searchStatements.get(name);
  if (!statement) {
    statement = sql(
      name,
      `SELECT ${COLUMNS} FROM agent_memories m WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${limit}`,
    );
    searchStatements.set(name, statement);
  }
  return { statement, values };
}

/** SQL for `agent_memories`. Callers pass canonical UUIDs. */
@Injectable()
export class AgentMemoriesRepository {
  constructor(private readonly db: Database) {}

  async commit(
    workspaceId: string,
    content: string,
    scope: MemoryScope,
    namespace: string,
    contentSha256: string,
  ): Promise<CommitOutcome> {
    const row = await this.db.one<{ found: boolean; id: string | null }>(COMMIT, [
      workspaceId,
      content,
      scope,
      namespace,
      contentSha256,
    ]);
    if (row?.id) return { kind: 'stored', id: row.id };
    return row?.found ? { kind: 'not-root' } : { kind: 'no-workspace' };
  }

  search(spec: SearchSpec): Promise<MemoryRow[]> {
    const { statement, values } = searchStatement(spec);
    return this.db.query<MemoryRow>(statement, values);
  }

  async isEmptyTsquery(text: string): Promise<boolean> {
    return (await this.db.one<{ empty: boolean }>(TSQUERY_IS_EMPTY, [text]))?.empty ?? true;
  }

  /** Deletes the memory only if `workspaceId` wrote it; false when no such row. */
  async delete(workspaceId: string, memoryId: string): Promise<boolean> {
    return (await this.db.execute(DELETE, [memoryId, workspaceId])) > 0;
  }
}
