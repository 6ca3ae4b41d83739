import { randomUUID } from 'node:crypto';
import { mintToken } from '../../src/common/auth/token-codec';
import { TestDatabase } from './test-database';

export interface WorkspaceSeed {
  id?: string;
  name?: string;
  role?: string | null;
  tier?: number;
  status?: string;
  runtime?: string;
  url?: string | null;
  parent_id?: string | null;
  active_tasks?: number;
  max_concurrent_tasks?: number;
  budget_limit?: number | null;
  monthly_spend?: number;
  last_heartbeat_at?: Date | null;
  current_task?: string | null;
  agent_card?: unknown;
  platform_inbound_secret?: string | null;
  desired_state?: string;
  observed_state?: string;
}

/** A row settled in the state its status implies, as the reconciler's migration leaves rows. */
function reconcileStateFor(status: string): { desired_state: string; observed_state: string } {
  const state = ['removed', 'paused', 'hibernated'].includes(status) ? status : 'running';
  return { desired_state: state, observed_state: state };
}

/** Inserts a workspace row directly (arrange step); returns its id. */
export async function insertWorkspace(db: TestDatabase, seed: WorkspaceSeed = {}): Promise<string> {
  const status = seed.status ?? 'online';
  const row: Record<string, unknown> = {
    id: randomUUID(),
    name: `ws-${Math.random().toString(36).slice(2, 8)}`,
    status,
    ...reconcileStateFor(status),
    ...seed,
  };
  if (row.agent_card !== undefined) row.agent_card = JSON.stringify(row.agent_card);
  return insertRow(db, 'workspaces', row);
}

/**
 * Inserts a `workspace_schedules` row directly (any column may be given); returns its id.
 * Defaults: a random name, every five minutes, no `next_run_at` unless given.
 */
export async function insertSchedule(
  db: TestDatabase,
  workspaceId: string,
  seed: Record<string, unknown> = {},
): Promise<string> {
  return insertRow(db, 'workspace_schedules', {
    workspace_id: workspaceId,
    name: `s-${randomUUID().slice(0, 8)}`,
    cron_expr: '*/5 * * * *',
    prompt: 'run the report',
    ...seed,
  });
}

async function insertRow(
  db: TestDatabase,
  table: string,
  row: Record<string, unknown>,
): Promise<string> {
  const columns = Object.keys(row);
  const [{ id }] = await db.query<{ id: string }>(
    `INSERT INTO ${table} (${columns.join(', ')})
     VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    columns.map((c) => row[c]),
  );
  return id;
}

/** Mints a live workspace token straight into the table; returns the plaintext. */
export async function insertToken(db: TestDatabase, workspaceId: string): Promise<string> {
  const minted = mintToken();
  await db.query(
    `INSERT INTO workspace_auth_tokens (workspace_id, token_hash, prefix) VALUES ($1, $2, $3)`,
    [workspaceId, minted.hash, minted.prefix],
  );
  return minted.plaintext;
}

/** Mints a live org API token; returns the plaintext. */
export async function insertOrgToken(
  db: TestDatabase,
  orgId: string | null = null,
): Promise<string> {
  const minted = mintToken();
  await db.query(`INSERT INTO org_api_tokens (token_hash, prefix, org_id) VALUES ($1, $2, $3)`, [
    minted.hash,
    minted.prefix,
    orgId,
  ]);
  return minted.plaintext;
}
