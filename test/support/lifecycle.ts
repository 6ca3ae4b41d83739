import { Clock } from '../../src/common/clock/clock';
import { ComputeBackends } from '../../src/provisioner/compute-backends';
import { eventually } from './eventually';
import { FakeControlPlane, FakeDocker } from './fake-compute';
import { insertWorkspace, WorkspaceSeed } from './factories';
import { ProviderOverride, TestApp, useTestApp } from './test-app';
import { TestDatabase } from './test-database';

/** A workspace's status and reconcile state, as the tests read it. */
export interface LifecycleRow {
  status: string;
  url: string | null;
  internal_url: string | null;
  last_sample_error: string | null;
  instance_id: string | null;
  platform_inbound_secret: string | null;
  desired_state: string;
  desired_generation: number;
  observed_state: string;
  observed_generation: number;
  reconcile_owner: string | null;
  reconcile_error: string | null;
  provision_request: unknown;
}

export async function lifecycleRow(db: TestDatabase, id: string): Promise<LifecycleRow> {
  const [row] = await db.query<LifecycleRow>(
    `SELECT status::text, url, internal_url, last_sample_error, instance_id, platform_inbound_secret,
            desired_state, desired_generation::int, observed_state, observed_generation::int, reconcile_owner,
            reconcile_error, provision_request
       FROM workspaces WHERE id = $1`,
    [id],
  );
  if (!row) throw new Error(`no workspace ${id}`);
  return row;
}

/**
 * Waits until the reconciler caught up with the workspace's desire and let go of it (the last
 * cycle's outcome is recorded), then returns the row. With `after`, the desire must also have
 * moved past that generation (a trigger that lands asynchronously, e.g. a secret change).
 */
export function settled(
  db: TestDatabase,
  id: string,
  options: { after?: number; timeoutMs?: number } = {},
): Promise<LifecycleRow> {
  return eventually(
    async () => {
      const row = await lifecycleRow(db, id);
      const moved = options.after === undefined || row.desired_generation > options.after;
      return moved &&
        row.desired_generation === row.observed_generation &&
        row.reconcile_owner === null
        ? row
        : undefined;
    },
    `workspace ${id} to settle`,
    options.timeoutMs,
  );
}

/** Waits until the workspace has the status. */
export function statusBecomes(db: TestDatabase, id: string, status: string): Promise<LifecycleRow> {
  return eventually(async () => {
    const row = await lifecycleRow(db, id);
    return row.status === status ? row : undefined;
  }, `workspace ${id} to be ${status}`);
}

export interface RecordedEvent {
  event_type: string;
  payload: Record<string, unknown>;
}

export function recordedEvents(db: TestDatabase, id: string): Promise<RecordedEvent[]> {
  return db.query<RecordedEvent>(
    `SELECT event_type, payload FROM structure_events WHERE workspace_id = $1 ORDER BY created_at, id`,
    [id],
  );
}

/** Live tokens of the workspace (their count, and the hash of each). */
export async function liveTokenHashes(db: TestDatabase, id: string): Promise<string[]> {
  const rows = await db.query<{ hash: string }>(
    `SELECT encode(token_hash, 'hex') AS hash FROM workspace_auth_tokens
      WHERE workspace_id = $1 AND revoked_at IS NULL ORDER BY created_at`,
    [id],
  );
  return rows.map((r) => r.hash);
}

/**
 * Asserts that none of the planted markers appears in anything a client or the database got:
 * reply bodies, event payloads (stored and live), stored errors.
 */
export function expectNoLeak(texts: readonly unknown[], markers: readonly string[]): void {
  const all = texts.map((t) => (typeof t === 'string' ? t : JSON.stringify(t))).join('\n');
  for (const marker of markers) expect(all).not.toContain(marker);
}

/**
 * The whole app with in-memory compute in place of the real backends (and optionally a fake
 * clock), on host networking. The engine's call log and interceptors are reset before each
 * test; the reconcile scan is off unless `env` turns it on, so every cycle is one a test asked
 * for.
 */
export function useComputeApp(
  db: TestDatabase,
  env: Record<string, string>,
  compute: { docker?: FakeDocker; controlPlane?: FakeControlPlane; clock?: Clock },
  otherOverrides: readonly ProviderOverride[] = [],
): TestApp {
  const overrides: ProviderOverride[] = [
    {
      provide: ComputeBackends,
      useValue: new ComputeBackends(compute.docker ?? null, compute.controlPlane ?? null),
    },
    ...otherOverrides,
  ];
  if (compute.clock) overrides.push({ provide: Clock, useValue: compute.clock });
  // Host networking: agents on loopback are reached as they are (no bridge URL rewrite).
  const app = useTestApp(
    db,
    { RECONCILE_SCAN_INTERVAL_SECONDS: '3600', WORKSPACE_NETWORK: 'host', ...env },
    overrides,
  );
  beforeEach(() => {
    const { docker } = compute;
    if (!docker) return;
    docker.calls.length = 0;
    docker.clearInterceptors();
    docker.reachable = true;
  });
  return app;
}

/**
 * A workspace row whose config volume already holds a `config.yaml`, as one provisioned
 * earlier would (a restart, resume or wake then reuses it).
 */
export async function insertProvisionedWorkspace(
  db: TestDatabase,
  docker: FakeDocker,
  seed: WorkspaceSeed = {},
): Promise<string> {
  const id = await insertWorkspace(db, seed);
  const runtime = seed.runtime ?? 'langgraph';
  docker.volumes.set(id, new Map([['config.yaml', Buffer.from(`runtime: ${runtime}\n`)]]));
  return id;
}
