import { Global, Module } from '@nestjs/common';
import { RestartRequests } from './restart-requests';

/**
 * Hooks through which any layer asks for a workspace lifecycle action (secret changes, the
 * A2A wake-up of a hibernated workspace). The provisioning flow subscribes when it is wired.
 */
@Global()
@Module({ providers: [RestartRequests], exports: [RestartRequests] })
export class LifecycleHooksModule {}
