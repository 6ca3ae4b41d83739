import { Injectable } from '@nestjs/common';
import { WorkspaceTeardown } from '../../provisioning/workspace-teardown';
import { CycleContext, CycleOutcome, ReconcileAction, ReconcileFailure } from '../reconcile-action';
import { ReconcileRow } from '../reconcile.repository';
import { STOP_FAILED } from './remove.action';

/**
 * → paused (spec 01 §3.8): stop the compute, keep the config volume for the resume. The pause
 * request already showed `paused`; a stop the engine refused is retried with a backoff.
 */
@Injectable()
export class PauseAction extends ReconcileAction {
  constructor(private readonly teardown: WorkspaceTeardown) {
    super();
  }

  async run(row: ReconcileRow, cycle: CycleContext): Promise<CycleOutcome> {
    await cycle.ensureClaim();
    if (await this.teardown.stop(row.id)) throw new ReconcileFailure(STOP_FAILED);
    return 'paused';
  }
}
