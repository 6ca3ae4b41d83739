import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

/** A workspace's place in the org chart: its parent and the ancestors above it, nearest first. */
export interface Lineage {
  readonly parentId: string | null;
  /** Parent, grandparent, … up to the root (empty for a root). */
  readonly ancestors: readonly string[];
}

/** Levels followed up a chain before assuming a cycle: the parent + the reference's 32 steps. */
export const MAX_ANCESTOR_DEPTH = 33;

/**
 * Every requested workspace with its ancestor chain, in one recursive query (the reference
 * walked the chain one lookup per level). Status is ignored: removed and paused workspaces
 * still sit in the org chart.
 */
const LINEAGES = sql(
  'access.lineages',
  `WITH RECURSIVE chain(start, id, parent_id, depth) AS (
     SELECT id, id, parent_id, 0 FROM workspaces WHERE id = ANY($1::uuid[])
     UNION ALL
     SELECT c.start, w.id, w.parent_id, c.depth + 1
       FROM chain c JOIN workspaces w ON w.id = c.parent_id
      WHERE c.depth < $2
   )
   SELECT start::text AS start, id::text AS id, parent_id::text AS parent_id, depth FROM chain ORDER BY start, depth`,
);

@Injectable()
export class AncestryRepository {
  constructor(private readonly db: Database) {}

  /** Lineage of each id that exists; unknown ids are absent from the map. */
  async lineages(ids: readonly string[]): Promise<Map<string, Lineage>> {
    const rows = await this.db.query<{
      start: string;
      id: string;
      parent_id: string | null;
      depth: number;
    }>(LINEAGES, [ids, MAX_ANCESTOR_DEPTH]);
    const out = new Map<string, { parentId: string | null; ancestors: string[] }>();
    for (const row of rows) {
      if (row.depth === 0) out.set(row.start, { parentId: row.parent_id, ancestors: [] });
      else out.get(row.start)?.ancestors.push(row.id);
    }
    return out;
  }
}
