import { Injectable, Logger } from '@nestjs/common';

export type OfflineListener = (workspaceId: string) => void | Promise<void>;

/**
 * Called once per workspace that went offline (after `WORKSPACE_OFFLINE` is out). Auto-restart
 * subscribes here when the provisioner is wired; listeners run detached and their failures are
 * only logged.
 */
@Injectable()
export class OfflineHooks {
  private readonly logger = new Logger(OfflineHooks.name);
  private readonly listeners: OfflineListener[] = [];

  onOffline(listener: OfflineListener): void {
    this.listeners.push(listener);
  }

  emit(workspaceId: string): void {
    for (const listener of this.listeners) {
      Promise.resolve()
        .then(() => listener(workspaceId))
        .catch((err) => this.logger.error({ err, workspaceId }, 'offline listener failed'));
    }
  }
}
