import { Injectable } from '@nestjs/common';
import { EventEmitter } from '../../../events/event-emitter.port';
import { WorkspaceTeardown } from '../../provisioning/workspace-teardown';
import { ComputeStateRepository } from '../compute-state.repository';
import { CycleContext, CycleOutcome, ReconcileAction, ReconcileFailure } from '../reconcile-action';
import { ReconcileRow } from '../reconcile.repository';
import { STOP_FAILED } from './remove.action';

/**
 * → hibernated (spec 04 §5.7): stop the compute (the workspace sits in `hibernating` until the
 * stop worked), then `hibernated` with no URL and `WORKSPACE_HIBERNATED {name, tier}`. The next
 * A2A message wakes it.
 */
@Injectable()
export class HibernateAction extends ReconcileAction {
  constructor(
    private readonly teardown: WorkspaceTeardown,
    private readonly compute: ComputeStateRepository,
    private readonly events: EventEmitter,
  ) {
    super();
  }

  async run(row: ReconcileRow, cycle: CycleContext): Promise<CycleOutcome> {
    await cycle.ensureClaim();
    if (await this.teardown.stop(row.id)) throw new ReconcileFailure(STOP_FAILED);
    const marked = await this.compute.hibernated(row.id, cycle.owner);
    if (marked) {
      await this.events.recordAndBroadcast('WORKSPACE_HIBERNATED', row.id, {
        name: marked.name,
        tier: marked.tier,
      });
    }
    return 'hibernated';
  }
}
