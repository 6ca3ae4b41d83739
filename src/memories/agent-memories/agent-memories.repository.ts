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

const COLUMNS = `m.id, m.workspace_id, m.content, m.scope, m.namespace, m.created_at`;

/**
 * Rows each scope may read, `$1` being the reader. TEAM: rows written by the reader's team —
 * itself, its parent, its siblings (same parent; roots are not each other's siblings) and its
 * direct children — whose writer is not removed. GLOBAL: every GLOBAL row.
 */
const SCOPE_FILTERS: Record<MemoryScopeFilter, { where: string; byReader: boolean }> = {
  OWN: { where: `m.workspace_id = $1`, byReader: true },
  LOCAL: { where: `m.workspace_id = $1 AND m.scope = 'LOCAL'`, byReader: true },
  GLOBAL: { where: `m.scope = 'GLOBAL'`, byReader: false },
  TEAM: {
    where: `m.scope = 'TEAM' AND m.workspace_id IN (
        SELECT w.id FROM workspaces me JOIN workspaces w
            ON w.id = me.id OR w.parent_id = me.id OR w.id = me.parent_id OR w.parent_id = me.parent_id
         WHERE me.id = $1 AND w.status IS DISTINCT FROM 'removed')`,
    byReader: true,
  },
};

/**
 * How a search matches: newest first; full-text (ranked), falling back to the literal
 * `pattern` when the text has no lexemes (only stop words or punctuation); or the literal
 * pattern alone. Patterns arrive escaped for ILIKE.
 */
export type SearchMatch =
  | { readonly mode: 'recent' }
  | { readonly mode: 'fts'; readonly text: string; readonly pattern: string }
  | { readonly mode: 'substring'; readonly pattern: string };

export interface SearchSpec {
  readonly readerId: string;
  readonly scope: MemoryScopeFilter;
  readonly match: SearchMatch;
  readonly namespace?: string;
  readonly limit: number;
}

const searchStatements = new Map<string, Statement>();

/**
 * One named statement per (scope, mode, namespace filter) — 24 at most — each with its own
 * counter on `/metrics`.
 *
 * A search scoped to the reader (its own rows, LOCAL, TEAM) ranks the reader's rows, found
 * through the workspace indexes: `OFFSET 0` keeps the text condition out of that scan, so its
 * cost follows the reader's memories and not the size of the table (given the choice, the
 * planner misjudges two common words and walks a text index over most of the table). GLOBAL
 * rows are everyone's: their own text index decides, planned per execution, since how
 * selective the words are decides between that index and the newest-first scan.
 */
function searchStatement(spec: SearchSpec): { statement: Statement; values: unknown[] } {
  const { match } = spec;
  const filter = SCOPE_FILTERS[spec.scope];
  const values: unknown[] = filter.byReader ? [spec.readerId] : [];
  const param = (value: unknown) => `$${values.push(value)}`;

  let where = filter.where;
  if (spec.namespace !== undefined) where += ` AND m.namespace = ${param(spec.namespace)}`;
  const newest = `m.created_at DESC, m.id DESC`;
  let text: string;
  if (match.mode === 'recent') {
    text = `SELECT ${COLUMNS} FROM agent_memories m WHERE ${where} ORDER BY ${newest} LIMIT ${param(spec.limit)}`;
  } else if (match.mode === 'substring') {
    const pattern = param(match.pattern);
    text = `SELECT ${COLUMNS} FROM agent_memories m WHERE ${where}
              AND m.content ILIKE ${pattern} ESCAPE '\\'
            ORDER BY ${newest} LIMIT ${param(spec.limit)}`;
  } else {
    const tsquery = `plainto_tsquery('english', ${param(match.text)})`;
    const pattern = param(match.pattern);
    const limit = param(spec.limit);
    const candidates = filter.byReader
      ? `(SELECT * FROM agent_memories m WHERE ${where} OFFSET 0) m WHERE`
      : `agent_memories m WHERE ${where} AND`;
    // The second branch only runs (a one-time filter) when the text has no lexemes, in which
    // case the first matches nothing: one round trip whichever way the query goes.
    text = `SELECT id, workspace_id, content, scope, namespace, created_at FROM (
              (SELECT ${COLUMNS}, 1 AS branch, ts_rank(m.content_tsv, ${tsquery}) AS rank
                 FROM ${candidates} m.content_tsv @@ ${tsquery}
                ORDER BY rank DESC, ${newest} LIMIT ${limit})
              UNION ALL
              (SELECT ${COLUMNS}, 2, 0 FROM agent_memories m
                WHERE ${where} AND numnode(${tsquery}) = 0 AND m.content ILIKE ${pattern} ESCAPE '\\'
                ORDER BY ${newest} LIMIT ${limit})
            ) hits ORDER BY branch, rank DESC, created_at DESC, id DESC`;
  }

  const name = `memories.search_${spec.scope.toLowerCase()}_${match.mode}${spec.namespace === undefined ? '' : '_ns'}`;
  let statement = searchStatements.get(name);
  if (!statement) {
    const planPerExecution = !filter.byReader && match.mode !== 'recent';
    statement = sql(name, text, { prepare: !planPerExecution });
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

  /** Deletes the memory only if `workspaceId` wrote it; false when no such row. */
  async delete(workspaceId: string, memoryId: string): Promise<boolean> {
    return (await this.db.execute(DELETE, [memoryId, workspaceId])) > 0;
  }
}
