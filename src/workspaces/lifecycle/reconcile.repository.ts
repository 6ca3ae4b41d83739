import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';
import { DesiredState, ObservedState, WorkspaceStatus } from '../../database/entities';
import { ProvisionOptions } from './provision-options';

/** A workspace as a reconcile cycle sees it, read under this replica's claim. */
export interface ReconcileRow {
  id: string;
  name: string;
  role: string | null;
  tier: number;
  runtime: string;
  status: WorkspaceStatus | null;
  workspace_dir: string | null;
  workspace_access: string;
  awareness_namespace: string | null;
  last_heartbeat_at: Date | null;
  desired_state: DesiredState;
  desired_generation: number;
  observed_state: ObservedState;
  observed_generation: number;
  provision_request: ProvisionOptions | null;
  /** A failed attempt asked for a pause that has not run out yet. */
  backing_off: boolean;
}

/** How far a removal (or any change) got, for callers waiting on it. */
export interface ReconcileProgress {
  id: string;
  observed_generation: number;
  reconcile_error: string | null;
  reconcile_error_generation: number | null;
}

/** Work exists while the desire has moved past what the last cycle achieved. */
const UNSETTLED = `desired_generation <> observed_generation`;
/** Nobody holds the claim, or its holder stopped renewing it (crashed replica). */
const CLAIMABLE = `(reconcile_owner IS NULL OR reconcile_owner = $2 OR reconcile_lease_until < now())`;
const NOT_BACKING_OFF = `(reconcile_not_before IS NULL OR reconcile_not_before <= now())`;

const CLAIM = sql(
  'reconcile.claim',
  `UPDATE workspaces SET reconcile_owner = $2, reconcile_lease_until = now() + make_interval(secs => $3)
    WHERE id = $1 AND ${UNSETTLED} AND ${CLAIMABLE} AND ${NOT_BACKING_OFF}
    RETURNING id`,
);
/** The scan: due rows nobody drives, claimed in one statement; rows other replicas lock are skipped. */
const CLAIM_DUE = sql(
  'reconcile.claim_due',
  `WITH due AS (
     SELECT id FROM workspaces
      WHERE ${UNSETTLED} AND ${CLAIMABLE} AND ${NOT_BACKING_OFF} AND NOT (id = ANY($4::uuid[]))
      ORDER BY reconcile_not_before NULLS FIRST, id
      LIMIT $1
      FOR UPDATE SKIP LOCKED
   )
   UPDATE workspaces w SET reconcile_owner = $2, reconcile_lease_until = now() + make_interval(secs => $3)
     FROM due WHERE w.id = due.id
   RETURNING w.id`,
);
const RENEW = sql(
  'reconcile.renew',
  `UPDATE workspaces SET reconcile_lease_until = now() + make_interval(secs => $2)
    WHERE reconcile_owner = $1 AND id = ANY($3::uuid[])
    RETURNING id`,
);
const READ = sql(
  'reconcile.read',
  `SELECT id, name, role, COALESCE(tier, 1) AS tier, COALESCE(runtime, 'langgraph') AS runtime, status,
          workspace_dir, workspace_access, awareness_namespace, last_heartbeat_at,
          desired_state, desired_generation, observed_state, observed_generation, provision_request,
          (reconcile_not_before IS NOT NULL AND reconcile_not_before > now()) AS backing_off
     FROM workspaces WHERE id = $1 AND reconcile_owner = $2`,
);
const RECORD_OBSERVED = sql(
  'reconcile.record_observed',
  `UPDATE workspaces SET observed_state = $3, observed_generation = $4, reconcile_attempts = 0,
          reconcile_error = NULL, reconcile_error_generation = NULL, reconcile_not_before = NULL
    WHERE id = $1 AND reconcile_owner = $2`,
);
/**
 * A failed attempt backs off exponentially — unless a newer request arrived meanwhile, which
 * deserves an immediate fresh cycle (a user fixing the cause must not wait for the backoff).
 */
const RECORD_FAILURE = sql(
  'reconcile.record_failure',
  `UPDATE workspaces SET reconcile_attempts = reconcile_attempts + 1, reconcile_error = $3,
          reconcile_error_generation = $4,
          reconcile_not_before = CASE WHEN desired_generation = $4
            THEN now() + make_interval(secs => LEAST($5 * power(2, LEAST(reconcile_attempts, 16)), $6))
            ELSE NULL END
    WHERE id = $1 AND reconcile_owner = $2`,
);
/**
 * Lets go of the claim only when there is nothing left to do right now; otherwise the holder
 * carries on. This is what makes a request that raced the end of a cycle never get lost: it
 * either lands before this statement (the claim is kept) or after it (its nudge claims).
 */
const RELEASE_IF_IDLE = sql(
  'reconcile.release_if_idle',
  `UPDATE workspaces SET reconcile_owner = NULL, reconcile_lease_until = NULL
    WHERE id = $1 AND reconcile_owner = $2
      AND (NOT (${UNSETTLED}) OR (reconcile_not_before IS NOT NULL AND reconcile_not_before > now()))
    RETURNING id`,
);
const RELEASE = sql(
  'reconcile.release',
  `UPDATE workspaces SET reconcile_owner = NULL, reconcile_lease_until = NULL
    WHERE id = $1 AND reconcile_owner = $2`,
);
const PROGRESS = sql(
  'reconcile.progress',
  `SELECT id, observed_generation, reconcile_error, reconcile_error_generation
     FROM workspaces WHERE id = ANY($1::uuid[])`,
);

/** SQL of the reconcile loop: claims, leases, outcomes. Every write is fenced by the claim. */
@Injectable()
export class ReconcileRepository {
  constructor(private readonly db: Database) {}

  async claim(id: string, owner: string, leaseMs: number): Promise<boolean> {
    return (await this.db.execute(CLAIM, [id, owner, leaseMs / 1000])) > 0;
  }

  async claimDue(
    owner: string,
    leaseMs: number,
    limit: number,
    skip: readonly string[],
  ): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(CLAIM_DUE, [
      limit,
      owner,
      leaseMs / 1000,
      skip,
    ]);
    return rows.map((r) => r.id);
  }

  /** Returns the ids whose lease is still ours. */
  async renew(owner: string, leaseMs: number, ids: readonly string[]): Promise<Set<string>> {
    const rows = await this.db.query<{ id: string }>(RENEW, [owner, leaseMs / 1000, ids]);
    return new Set(rows.map((r) => r.id));
  }

  /** `undefined` when the claim is no longer ours. */
  read(id: string, owner: string): Promise<ReconcileRow | undefined> {
    return this.db.one<ReconcileRow>(READ, [id, owner]);
  }

  /** False when the claim was lost (the outcome was not recorded). */
  async recordObserved(
    id: string,
    owner: string,
    state: ObservedState,
    generation: number,
  ): Promise<boolean> {
    return (await this.db.execute(RECORD_OBSERVED, [id, owner, state, generation])) > 0;
  }

  async recordFailure(
    id: string,
    owner: string,
    reason: string,
    generation: number,
    backoff: { baseSeconds: number; maxSeconds: number },
  ): Promise<void> {
    await this.db.execute(RECORD_FAILURE, [
      id,
      owner,
      reason,
      generation,
      backoff.baseSeconds,
      backoff.maxSeconds,
    ]);
  }

  async releaseIfIdle(id: string, owner: string): Promise<boolean> {
    return (await this.db.execute(RELEASE_IF_IDLE, [id, owner])) > 0;
  }

  async release(id: string, owner: string): Promise<void> {
    await this.db.execute(RELEASE, [id, owner]);
  }

  progress(ids: readonly string[]): Promise<ReconcileProgress[]> {
    return this.db.query<ReconcileProgress>(PROGRESS, [ids]);
  }
}
