import { Global, Module } from '@nestjs/common';
import { RestartContextDeliveries } from './restart-context-deliveries';
import { RestartRequests } from './restart-requests';

/**
 * Hooks between the lifecycle and the other layers: any module asks for restarts (secret
 * changes, dead containers, offline workspaces); the a2a module delivers restart-context
 * messages the lifecycle schedules.
 */
@Global()
@Module({
  providers: [RestartRequests, RestartContextDeliveries],
  exports: [RestartRequests, RestartContextDeliveries],
})
export class LifecycleHooksModule {}
