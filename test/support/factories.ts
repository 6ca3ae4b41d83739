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
}

/** Inserts a workspace row directly (arrange step); returns its id. */
export async function insertWorkspace(db: TestDatabase, seed: WorkspaceSeed = {}): Promise<string> {
  const row = {
    id: randomUUID(),
    name: `ws-${Math.random().toString(36).slice(2, 8)}`,
    status: 'online',
    ...seed,
  };
  const columns = Object.keys(row);
  const values = columns.map((c) => {
    const v = (row as Record<string, unknown>)[c];
    return c === 'agent_card' && v !== undefined ? JSON.stringify(v) : v;
  });
  await db.query(
    `INSERT INTO workspaces (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    values,
  );
  return row.id;
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
