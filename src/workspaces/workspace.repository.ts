import { Injectable } from '@nestjs/common';
import { LockKeys } from '../common/loops/lock-keys';
import { Database, Queryable, sql } from '../database/database.service';
import { WorkspaceStatus } from '../database/entities';
import type { MemorySeed } from './initial-memories';

/** The columns every workspace read returns (list, get), with the canvas layout joined in. */
export interface WorkspaceViewRow {
  id: string;
  name: string;
  role: string | null;
  tier: number | null;
  status: WorkspaceStatus | null;
  agent_card: unknown;
  url: string | null;
  parent_id: string | null;
  active_tasks: number | null;
  max_concurrent_tasks: number | null;
  last_error_rate: number | null;
  last_sample_error: string | null;
  uptime_seconds: number | null;
  current_task: string | null;
  runtime: string | null;
  workspace_dir: string | null;
  x: number;
  y: number;
  collapsed: boolean;
  budget_limit: number | null;
  monthly_spend: number;
  last_outbound_at: Date | null;
}

export interface NewWorkspace {
  id: string;
  name: string;
  role: string | null;
  tier: number;
  runtime: string;
  awarenessNamespace: string;
  parentId: string | null;
  workspaceDir: string | null;
  workspaceAccess: string;
  budgetLimit: number | null;
  maxConcurrentTasks: number;
  status: WorkspaceStatus;
  url: string | null;
}

const VIEW = `
  SELECT w.id, w.name, w.role, w.tier, w.status, w.agent_card, w.url, w.parent_id, w.active_tasks,
         w.max_concurrent_tasks, w.last_error_rate, w.last_sample_error, w.uptime_seconds, w.current_task,
         w.runtime, w.workspace_dir, COALESCE(l.x, 0) AS x, COALESCE(l.y, 0) AS y,
         COALESCE(l.collapsed, false) AS collapsed, w.budget_limit, w.monthly_spend, w.last_outbound_at
    FROM workspaces w LEFT JOIN canvas_layouts l ON l.workspace_id = w.id`;

const LIST = sql(
  'workspaces.list',
  `${VIEW} WHERE w.status <> 'removed' ORDER BY w.created_at, w.id`,
);
const GET = sql('workspaces.get', `${VIEW} WHERE w.id = $1`);
const STATUS = sql('workspaces.status', `SELECT status FROM workspaces WHERE id = $1`);
const INSERT = sql(
  'workspaces.insert',
  `INSERT INTO workspaces (id, name, role, tier, runtime, awareness_namespace, parent_id, workspace_dir,
                           workspace_access, budget_limit, max_concurrent_tasks, status, url)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
);
const INSERT_LAYOUT = sql(
  'workspaces.insert_layout',
  `INSERT INTO canvas_layouts (workspace_id, x, y) VALUES ($1, $2, $3)`,
);
const UPSERT_POSITION = sql(
  'workspaces.upsert_position',
  `INSERT INTO canvas_layouts (workspace_id, x, y) VALUES ($1, $2, $3)
   ON CONFLICT (workspace_id) DO UPDATE SET x = EXCLUDED.x, y = EXCLUDED.y`,
);
const UPSERT_COLLAPSED = sql(
  'workspaces.upsert_collapsed',
  `INSERT INTO canvas_layouts (workspace_id, collapsed) VALUES ($1, $2)
   ON CONFLICT (workspace_id) DO UPDATE SET collapsed = EXCLUDED.collapsed`,
);
const LIVE_CHILDREN = sql(
  'workspaces.live_children',
  `SELECT id, name FROM workspaces WHERE parent_id = $1 AND status <> 'removed' ORDER BY created_at, id`,
);
/** Non-removed descendants at any depth (a cycle stops at rows already seen). */
const LIVE_DESCENDANTS = sql(
  'workspaces.live_descendants',
  `WITH RECURSIVE tree(id) AS (
     SELECT id FROM workspaces WHERE parent_id = $1 AND status <> 'removed'
     UNION
     SELECT w.id FROM workspaces w JOIN tree t ON w.parent_id = t.id WHERE w.status <> 'removed'
   )
   SELECT id FROM tree WHERE id <> $1`,
);
/** Whether `$2` sits anywhere under `$1`, whatever its status (UNION stops at a cycle). */
const IN_SUBTREE = sql(
  'workspaces.in_subtree',
  `WITH RECURSIVE tree(id) AS (
     SELECT id FROM workspaces WHERE parent_id = $1
     UNION
     SELECT w.id FROM workspaces w JOIN tree t ON w.parent_id = t.id
   )
   SELECT EXISTS (SELECT 1 FROM tree WHERE id = $2) AS found`,
);
/** Serialises re-parenting for the rest of the transaction. */
const LOCK_HIERARCHY = sql('workspaces.lock_hierarchy', `SELECT pg_advisory_xact_lock($1)`);
/** Removed for good: the desire too, with a new generation the removal cycle answers. */
const MARK_REMOVED = sql(
  'workspaces.mark_removed',
  `UPDATE workspaces SET status = 'removed', updated_at = now(), desired_state = 'removed',
          desired_generation = desired_generation + 1, reconcile_not_before = NULL
    WHERE id = ANY($1::uuid[])
    RETURNING id, desired_generation`,
);
const DELETE_LAYOUTS = sql(
  'workspaces.delete_layouts',
  `DELETE FROM canvas_layouts WHERE workspace_id = ANY($1::uuid[])`,
);
const DISABLE_SCHEDULES = sql(
  'workspaces.disable_schedules',
  `UPDATE workspace_schedules SET enabled = false, updated_at = now()
    WHERE workspace_id = ANY($1::uuid[]) AND enabled = true`,
);
const MARK_PROVISION_FAILED = sql(
  'workspaces.mark_provision_failed',
  `UPDATE workspaces SET status = 'failed', last_sample_error = $2, updated_at = now() WHERE id = $1`,
);
/** The control plane saw the VM die while booting (spec 04 §4.9); only a provisioning row fails. */
const BOOTSTRAP_FAILED = sql(
  'workspaces.bootstrap_failed',
  `UPDATE workspaces SET status = 'failed', last_sample_error = $2, updated_at = now()
    WHERE id = $1 AND status = 'provisioning'`,
);
const UPSERT_CONFIG = sql(
  'workspaces.upsert_config',
  `INSERT INTO workspace_config (workspace_id, data) VALUES ($1, $2)
   ON CONFLICT (workspace_id) DO UPDATE SET data = EXCLUDED.data, updated_at = now()`,
);

/**
 * Seeded memories in one statement, under the workspace's awareness namespace. No GLOBAL root
 * rule and no `[MEMORY` escape apply: seeds come from the operator's create or import body.
 */
const SEED_MEMORIES = sql(
  'workspaces.seed_memories',
  `INSERT INTO agent_memories (workspace_id, content, scope, namespace)
   SELECT $1, content, scope, $2 FROM unnest($3::text[], $4::text[]) AS s(content, scope)`,
);

/** Rows of every table that references a workspace, removed on purge (children before parents). */
const PURGE_STATEMENTS = [
  `DELETE FROM activity_logs WHERE workspace_id = ANY($1::uuid[])`,
  `DELETE FROM workspace_secrets WHERE workspace_id = ANY($1::uuid[])`,
  `DELETE FROM workspace_config WHERE workspace_id = ANY($1::uuid[])`,
  `DELETE FROM workspace_auth_tokens WHERE workspace_id = ANY($1::uuid[])`,
  `DELETE FROM workspace_schedules WHERE workspace_id = ANY($1::uuid[])`,
  `DELETE FROM a2a_queue WHERE workspace_id = ANY($1::uuid[])`,
  `DELETE FROM canvas_layouts WHERE workspace_id = ANY($1::uuid[])`,
  `UPDATE workspaces SET parent_id = NULL WHERE parent_id = ANY($1::uuid[]) AND NOT (id = ANY($1::uuid[]))`,
  `UPDATE workspaces SET forwarded_to = NULL WHERE forwarded_to = ANY($1::uuid[])`,
  `UPDATE workspaces SET parent_id = NULL, forwarded_to = NULL WHERE id = ANY($1::uuid[])`,
  `DELETE FROM workspaces WHERE id = ANY($1::uuid[])`,
];

/** Updatable workspace columns and the SQL type their parameter is cast to. */
export const UPDATABLE_COLUMNS = {
  name: 'text',
  role: 'text',
  tier: 'integer',
  parent_id: 'uuid',
  runtime: 'text',
  workspace_dir: 'text',
} as const;
export type WorkspaceUpdate = Partial<Record<keyof typeof UPDATABLE_COLUMNS, unknown>>;

/** SQL for the `workspaces` table and its canvas layout. Callers pass canonical UUIDs. */
@Injectable()
export class WorkspaceRepository {
  constructor(private readonly db: Database) {}

  list(): Promise<WorkspaceViewRow[]> {
    return this.db.query<WorkspaceViewRow>(LIST);
  }

  get(id: string): Promise<WorkspaceViewRow | undefined> {
    return this.db.one<WorkspaceViewRow>(GET, [id]);
  }

  /** `undefined` when the row does not exist (any status counts as existing). */
  async status(id: string, tx: Queryable = this.db): Promise<WorkspaceStatus | null | undefined> {
    const row = await tx.one<{ status: WorkspaceStatus | null }>(STATUS, [id]);
    return row ? row.status : undefined;
  }

  async insert(tx: Queryable, w: NewWorkspace, position: { x: number; y: number }): Promise<void> {
    await tx.execute(INSERT, [
      w.id,
      w.name,
      w.role,
      w.tier,
      w.runtime,
      w.awarenessNamespace,
      w.parentId,
      w.workspaceDir,
      w.workspaceAccess,
      w.budgetLimit,
      w.maxConcurrentTasks,
      w.status,
      w.url,
    ]);
    await tx.execute(INSERT_LAYOUT, [w.id, position.x, position.y]);
  }

  async seedMemories(
    tx: Queryable,
    id: string,
    namespace: string,
    seeds: readonly MemorySeed[],
  ): Promise<void> {
    if (seeds.length === 0) return;
    await tx.execute(SEED_MEMORIES, [
      id,
      namespace,
      seeds.map((s) => s.content),
      seeds.map((s) => s.scope),
    ]);
  }

  /** One UPDATE for every present column; `updated_at` moves with any of them. */
  async update(tx: Queryable, id: string, changes: WorkspaceUpdate): Promise<void> {
    const columns = Object.keys(changes) as (keyof typeof UPDATABLE_COLUMNS)[];
    if (columns.length === 0) return;
    const sets = columns.map((c, i) => `${c} = $${i + 2}::${UPDATABLE_COLUMNS[c]}`);
    await tx.execute(`UPDATE workspaces SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, [
      id,
      ...columns.map((c) => changes[c]),
    ]);
  }

  async setPosition(tx: Queryable, id: string, x: number, y: number): Promise<void> {
    await tx.execute(UPSERT_POSITION, [id, x, y]);
  }

  async setCollapsed(tx: Queryable, id: string, collapsed: boolean): Promise<void> {
    await tx.execute(UPSERT_COLLAPSED, [id, collapsed]);
  }

  liveChildren(id: string): Promise<{ id: string; name: string }[]> {
    return this.db.query(LIVE_CHILDREN, [id]);
  }

  async liveDescendants(id: string): Promise<string[]> {
    return (await this.db.query<{ id: string }>(LIVE_DESCENDANTS, [id])).map((r) => r.id);
  }

  async isInSubtree(tx: Queryable, rootId: string, candidateId: string): Promise<boolean> {
    return (await tx.one<{ found: boolean }>(IN_SUBTREE, [rootId, candidateId]))?.found ?? false;
  }

  async lockHierarchy(tx: Queryable): Promise<void> {
    await tx.query(LOCK_HIERARCHY, [LockKeys.hierarchy]);
  }

  /**
   * Marks rows removed before any container is touched, so heartbeats and restarts back off.
   * Returns each row's new generation: its removal is done once the reconciler reached it.
   */
  async markRemoved(tx: Queryable, ids: readonly string[]): Promise<Map<string, number>> {
    const rows = await tx.query<{ id: string; desired_generation: number }>(MARK_REMOVED, [ids]);
    await tx.execute(DELETE_LAYOUTS, [ids]);
    await tx.execute(DISABLE_SCHEDULES, [ids]);
    return new Map(rows.map((r) => [r.id, r.desired_generation]));
  }

  async purge(tx: Queryable, ids: readonly string[]): Promise<void> {
    for (const statement of PURGE_STATEMENTS) await tx.execute(statement, [ids]);
  }

  /** False when the workspace was not provisioning (nothing changed). */
  async markBootstrapFailed(id: string, message: string): Promise<boolean> {
    return (await this.db.execute(BOOTSTRAP_FAILED, [id, message])) > 0;
  }

  async markProvisionFailed(
    id: string,
    message: string,
    config: Record<string, unknown>,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute(UPSERT_CONFIG, [id, JSON.stringify(config)]);
      await tx.execute(MARK_PROVISION_FAILED, [id, message]);
    });
  }
}
