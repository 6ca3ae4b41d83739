import { Injectable } from '@nestjs/common';
import { Listeners } from '../../common/hooks/listeners';

/**
 * Called once per workspace that went offline (after `WORKSPACE_OFFLINE` is out). Auto-restart
 * subscribes here (`OfflineRestarts`).
 */
@Injectable()
export class OfflineHooks extends Listeners<[workspaceId: string]> {
  constructor() {
    super(OfflineHooks.name);
  }
}
