import { Injectable } from '@nestjs/common';
import { WorkspaceTokensRepository } from '../../../common/auth/workspace-tokens.repository';
import { WorkspaceTeardown } from '../../provisioning/workspace-teardown';
import { CycleContext, CycleOutcome, ReconcileAction, ReconcileFailure } from '../reconcile-action';
import { ReconcileRow } from '../reconcile.repository';

/** What a failed removal records (the DELETE reply names the workspace itself). */
export const STOP_FAILED = 'stop failed';

/**
 * → removed (spec 04 §6): stop the compute and drop the config volume (kept when the stop
 * failed: the container still uses it — the attempt is retried with a backoff). Tokens are
 * revoked once more, for a provision that raced the delete and minted one.
 */
@Injectable()
export class RemoveAction extends ReconcileAction {
  constructor(
    private readonly teardown: WorkspaceTeardown,
    private readonly tokens: WorkspaceTokensRepository,
  ) {
    super();
  }

  async run(row: ReconcileRow, cycle: CycleContext): Promise<CycleOutcome> {
    await cycle.ensureClaim();
    if (await this.teardown.remove(row.id)) throw new ReconcileFailure(STOP_FAILED);
    await this.tokens.revokeAll([row.id]);
    return 'removed';
  }
}
