import { Module } from '@nestjs/common';
import { SsrfModule } from '../common/ssrf/ssrf.module';
import { AncestryRepository } from './access/ancestry.repository';
import { WorkspaceAccess } from './access/workspace-access';
import { DiscoveryAuth } from './discovery/discovery-auth';
import { DiscoveryController } from './discovery/discovery.controller';
import { DiscoveryRepository } from './discovery/discovery.repository';
import { DiscoveryService } from './discovery/discovery.service';
import { HeartbeatHooks } from './heartbeat/heartbeat-hooks';
import { HeartbeatMetrics } from './heartbeat/heartbeat-metrics';
import { HeartbeatService } from './heartbeat/heartbeat.service';
import { RuntimeOverrides } from './heartbeat/runtime-overrides';
import { LivenessRepository } from './liveness/liveness.repository';
import { LivenessSweep } from './liveness/liveness.sweep';
import { OfflineHooks } from './liveness/offline-hooks';
import { OfflineRestarts } from './liveness/offline-restarts';
import { RegistrationService } from './registration.service';
import { RegistryController } from './registry.controller';
import { RegistryRepository } from './registry.repository';

/**
 * Layer 3: the workspace runtime's side of the platform — register, heartbeat, status,
 * discovery and the hierarchy rule, liveness. Higher layers plug in through the hooks and
 * ask `RuntimeOverrides` / `WorkspaceAccess`.
 */
@Module({
  imports: [SsrfModule],
  controllers: [RegistryController, DiscoveryController],
  providers: [
    RegistryRepository,
    RegistrationService,
    HeartbeatService,
    HeartbeatHooks,
    HeartbeatMetrics,
    RuntimeOverrides,
    AncestryRepository,
    WorkspaceAccess,
    DiscoveryRepository,
    DiscoveryAuth,
    DiscoveryService,
    LivenessRepository,
    LivenessSweep,
    OfflineHooks,
    OfflineRestarts,
  ],
  exports: [HeartbeatHooks, RuntimeOverrides, WorkspaceAccess, OfflineHooks],
})
export class RegistryModule {}
