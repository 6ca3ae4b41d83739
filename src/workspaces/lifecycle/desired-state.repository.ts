import { Injectable } from '@nestjs/common';
import { Database, Queryable, sql } from '../../database/database.service';
import { WorkspaceStatus } from '../../database/entities';
import { ProvisionOptions } from './provision-options';

/** Levels followed up a parent chain before assuming a cycle (as the access rules do). */
const MAX_ANCESTOR_DEPTH = 33;

/** Every trigger: a new generation, no pending backoff (a fresh request runs at once). */
const BUMP = `desired_generation = desired_generation + 1, reconcile_not_before = NULL`;
const MERGE_OPTIONS = `provision_request = COALESCE(provision_request, '{}'::jsonb) || $2::jsonb`;

/** The ids among `$1` with a paused ancestor (nearest or not), up to the hierarchy depth cap. */
const PAUSED_ANCESTRY = `
  WITH RECURSIVE up(start, id, depth) AS (
    SELECT id, parent_id, 1 FROM workspaces WHERE id = ANY($1::uuid[]) AND parent_id IS NOT NULL
    UNION ALL
    SELECT u.start, w.parent_id, u.depth + 1 FROM up u JOIN workspaces w ON w.id = u.id
     WHERE w.parent_id IS NOT NULL AND u.depth < ${MAX_ANCESTOR_DEPTH}
  ), blocked AS (
    SELECT DISTINCT u.start FROM up u JOIN workspaces w ON w.id = u.id WHERE w.status = 'paused'
  )`;

const REQUEST_PROVISION = sql(
  'lifecycle.request_provision',
  `UPDATE workspaces SET desired_state = 'running', ${BUMP}, ${MERGE_OPTIONS}
    WHERE id = $1 AND desired_state <> 'removed'
    RETURNING id`,
);
/**
 * Auto-restart (spec 04 §5.3): only workspaces meant to run, with a container of ours, and no
 * paused ancestor. Paused, hibernated and removed ones keep their desire.
 */
const AUTO_RESTART = sql(
  'lifecycle.auto_restart',
  `${PAUSED_ANCESTRY}
   UPDATE workspaces SET ${BUMP}, ${MERGE_OPTIONS}
    WHERE id = ANY($1::uuid[]) AND desired_state = 'running'
      AND COALESCE(runtime, 'langgraph') <> 'external'
      AND id NOT IN (SELECT start FROM blocked)
    RETURNING id`,
);
const RESTART = sql(
  'lifecycle.restart',
  `UPDATE workspaces SET status = 'provisioning', url = '', internal_url = NULL, updated_at = now(),
          runtime = COALESCE($3, runtime), desired_state = 'running', ${BUMP}, ${MERGE_OPTIONS}
    WHERE id = $1 AND desired_state <> 'removed'
    RETURNING id`,
);
const PAUSE = sql(
  'lifecycle.pause',
  `UPDATE workspaces SET status = 'paused', url = '', internal_url = NULL, updated_at = now(),
          desired_state = 'paused', ${BUMP}
    WHERE id = ANY($1::uuid[]) AND status NOT IN ('removed', 'paused')
    RETURNING id, name`,
);
const RESUME = sql(
  'lifecycle.resume',
  `UPDATE workspaces SET status = 'provisioning', updated_at = now(), desired_state = 'running', ${BUMP}
    WHERE id = ANY($1::uuid[]) AND status = 'paused'
    RETURNING id, name, COALESCE(tier, 1) AS tier, COALESCE(runtime, 'langgraph') AS runtime`,
);
/** The atomic hibernation claim (spec 04 §5.7); `force` also takes a busy workspace. */
const HIBERNATE = sql(
  'lifecycle.hibernate',
  `UPDATE workspaces SET status = 'hibernating', updated_at = now(), desired_state = 'hibernated', ${BUMP}
    WHERE id = $1 AND status IN ('online', 'degraded') AND ($2 OR COALESCE(active_tasks, 0) = 0)
    RETURNING id`,
);
const WAKE = sql(
  'lifecycle.wake',
  `UPDATE workspaces SET desired_state = 'running', ${BUMP}, ${MERGE_OPTIONS}
    WHERE id = $1 AND desired_state = 'hibernated' AND status = 'hibernated'
    RETURNING id`,
);

const TARGET = sql(
  'lifecycle.target',
  `SELECT status, name, COALESCE(tier, 1) AS tier, COALESCE(runtime, 'langgraph') AS runtime,
          COALESCE(active_tasks, 0) AS active_tasks
     FROM workspaces WHERE id = $1`,
);
const PAUSED_ANCESTOR = sql(
  'lifecycle.paused_ancestor',
  `WITH RECURSIVE up(id, depth) AS (
     SELECT parent_id, 1 FROM workspaces WHERE id = $1 AND parent_id IS NOT NULL
     UNION ALL
     SELECT w.parent_id, u.depth + 1 FROM up u JOIN workspaces w ON w.id = u.id
      WHERE w.parent_id IS NOT NULL AND u.depth < ${MAX_ANCESTOR_DEPTH}
   )
   SELECT w.name FROM up u JOIN workspaces w ON w.id = u.id
    WHERE w.status = 'paused' ORDER BY u.depth LIMIT 1`,
);
/** Descendants reached through rows in `$2` statuses only (pause: live ones; resume: paused). */
const DESCENDANTS = sql(
  'lifecycle.descendants',
  `WITH RECURSIVE tree(id) AS (
     SELECT id FROM workspaces WHERE parent_id = $1 AND status::text = ANY($2::text[])
     UNION
     SELECT w.id FROM workspaces w JOIN tree t ON w.parent_id = t.id WHERE w.status::text = ANY($2::text[])
   )
   SELECT id FROM tree WHERE id <> $1`,
);

export interface LifecycleTarget {
  status: WorkspaceStatus | null;
  name: string;
  tier: number;
  runtime: string;
  active_tasks: number;
}

export interface ResumedWorkspace {
  id: string;
  name: string;
  tier: number;
  runtime: string;
}

const PAUSABLE: WorkspaceStatus[] = [
  'provisioning',
  'online',
  'offline',
  'degraded',
  'failed',
  'hibernated',
  'awaiting_agent',
  'hibernating',
];

/**
 * SQL of the lifecycle triggers: each writes a desire and a new generation (and the status the
 * contract shows at once); the reconciler does the rest. Callers pass canonical UUIDs.
 */
@Injectable()
export class DesiredStateRepository {
  constructor(private readonly db: Database) {}

  async requestProvision(id: string, options: ProvisionOptions): Promise<boolean> {
    return (await this.db.execute(REQUEST_PROVISION, [id, JSON.stringify(options)])) > 0;
  }

  /** The ids whose restart was accepted. */
  async autoRestart(ids: readonly string[]): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(AUTO_RESTART, [
      ids,
      JSON.stringify({ restartContext: true }),
    ]);
    return rows.map((r) => r.id);
  }

  async restart(id: string, options: ProvisionOptions, runtime: string | null): Promise<boolean> {
    return (await this.db.execute(RESTART, [id, JSON.stringify(options), runtime])) > 0;
  }

  pause(tx: Queryable, ids: readonly string[]): Promise<{ id: string; name: string }[]> {
    return tx.query(PAUSE, [ids]);
  }

  resume(tx: Queryable, ids: readonly string[]): Promise<ResumedWorkspace[]> {
    return tx.query<ResumedWorkspace>(RESUME, [ids]);
  }

  async hibernate(id: string, force: boolean): Promise<boolean> {
    return (await this.db.execute(HIBERNATE, [id, force])) > 0;
  }

  async wake(id: string): Promise<boolean> {
    return (await this.db.execute(WAKE, [id, JSON.stringify({ restartContext: true })])) > 0;
  }

  target(id: string): Promise<LifecycleTarget | undefined> {
    return this.db.one<LifecycleTarget>(TARGET, [id]);
  }

  /** The name of the nearest paused ancestor, if any. */
  async pausedAncestor(id: string): Promise<string | undefined> {
    return (await this.db.one<{ name: string }>(PAUSED_ANCESTOR, [id]))?.name;
  }

  async pausableDescendants(id: string): Promise<string[]> {
    return this.descendants(id, PAUSABLE);
  }

  async pausedDescendants(id: string): Promise<string[]> {
    return this.descendants(id, ['paused']);
  }

  private async descendants(id: string, statuses: readonly string[]): Promise<string[]> {
    return (await this.db.query<{ id: string }>(DESCENDANTS, [id, statuses])).map((r) => r.id);
  }
}
