import { Injectable, OnModuleInit } from '@nestjs/common';
import { RestartRequests } from '../../workspaces/lifecycle/restart-requests';
import { OfflineHooks } from './offline-hooks';

/**
 * The offline handler's second half (spec 02 §12.2): a workspace that went offline is
 * restarted. The lifecycle decides whether it applies (not external, paused, hibernated,
 * removed, nor under a paused ancestor).
 */
@Injectable()
export class OfflineRestarts implements OnModuleInit {
  constructor(
    private readonly offline: OfflineHooks,
    private readonly restarts: RestartRequests,
  ) {}

  onModuleInit(): void {
    this.offline.on((workspaceId) =>
      this.restarts.request([workspaceId], 'workspace went offline'),
    );
  }
}
