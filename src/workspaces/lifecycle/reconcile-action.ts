import { ObservedState } from '../../database/entities';
import { ReconcileRow } from './reconcile.repository';

/** What one cycle left: the observed state to record, or `superseded` (the desire moved). */
export type CycleOutcome = ObservedState | 'superseded';

/** What an action may ask of the cycle running it. */
export interface CycleContext {
  /** This replica's claim on the workspace; every write of the cycle is fenced by it. */
  readonly owner: string;
  /**
   * Resolves while this replica still holds the workspace; throws `ClaimLost` otherwise.
   * Actions call it before each step with an effect outside the database (engine calls,
   * credentials), so a replica that lost its lease never acts next to the one that took over.
   */
  ensureClaim(): Promise<void>;
}

/** One transition toward a desired state (Daytona's "one action per transition"). */
export abstract class ReconcileAction {
  abstract run(row: ReconcileRow, cycle: CycleContext): Promise<CycleOutcome>;
}

/**
 * An attempt that failed for a reason worth retrying (the engine refused a stop). `reason` is
 * canned — it is stored and may be shown; the cause is logged by whoever threw.
 */
export class ReconcileFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** This replica no longer holds the workspace (its lease lapsed and another replica took it). */
export class ClaimLost extends Error {
  constructor(workspaceId: string) {
    super(`reconcile claim on ${workspaceId} lost`);
  }
}
