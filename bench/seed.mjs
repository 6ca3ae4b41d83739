import { createHash } from 'node:crypto';

/**
 * Deterministic fixtures, inserted straight into the database (the API under test is not
 * used for setup): workspace ids and bearer tokens are derived from their index, so every
 * run measures the same rows.
 */
export function workspaceId(index, family) {
  // UUID v4 layout; `family` keeps the fleets of different benchmarks apart.
  return `${family}000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

function tokenFor(id) {
  // 43 base64url characters, like a minted token; the server only ever sees its SHA-256.
  return createHash('sha256').update(`bench-token:${id}`).digest('base64url');
}

/**
 * Inserts `count` online workspaces, each with one live token (stored as the server stores
 * it: SHA-256 of the plaintext, prefix = first 8 characters). Returns ids and plaintexts.
 */
export async function seedWorkspaces(pool, { count, family, url = null, name = 'bench' }) {
  const fleet = Array.from({ length: count }, (_, i) => {
    const id = workspaceId(i + 1, family);
    return { id, token: tokenFor(id) };
  });
  await pool.query(
    `INSERT INTO workspaces (id, name, status, url, last_heartbeat_at)
     SELECT id, $2 || '-' || ord, 'online', $3, now()
       FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, ord)`,
    [fleet.map((w) => w.id), name, url],
  );
  await pool.query(
    `INSERT INTO workspace_auth_tokens (workspace_id, token_hash, prefix)
     SELECT id, sha256(convert_to(token, 'UTF8')), left(token, 8)
       FROM unnest($1::uuid[], $2::text[]) AS t(id, token)`,
    [fleet.map((w) => w.id), fleet.map((w) => w.token)],
  );
  // Fresh statistics, so the planner sees the fleet as it would in a long-running install.
  await pool.query('ANALYZE workspaces, workspace_auth_tokens');
  return fleet;
}
