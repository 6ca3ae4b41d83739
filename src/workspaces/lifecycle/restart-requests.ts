import { Injectable } from '@nestjs/common';
import { Listeners } from '../../common/hooks/listeners';

/**
 * Asks for workspaces to be restarted after a change they must pick up (secrets, model) or
 * because their container was found dead or went silent. The lifecycle reconciler subscribes;
 * until one does, requests are dropped.
 */
@Injectable()
export class RestartRequests extends Listeners<[workspaceIds: readonly string[], reason: string]> {
  constructor() {
    super(RestartRequests.name);
  }

  request(workspaceIds: readonly string[], reason: string): void {
    if (workspaceIds.length > 0) this.emit(workspaceIds, reason);
  }
}
