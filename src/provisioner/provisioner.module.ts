import { Global, Module } from '@nestjs/common';
import { Clock } from '../common/clock/clock';
import { AppConfig } from '../config/app-config';
import { ComputeBackends } from './compute-backends';
import { selectComputeBackends, selectUrlRewrite } from './compute-selection';
import { InstanceIdRepository, InstanceIds } from './control-plane/instance-ids.repository';
import { NoEngineFileStore, WorkspaceFileStore } from './workspace-file-store';
import { WorkspaceUrlRewrite } from './workspace-url-rewrite';

/** The compute backends from config; tests replace this provider (see test/support/test-app). */
export const COMPUTE_BACKENDS_PROVIDER = {
  provide: ComputeBackends,
  useFactory: selectComputeBackends,
  inject: [AppConfig, Clock, InstanceIds],
};

/**
 * Layer 1: the compute adapters (Docker, control plane), chosen from config at boot, and the
 * rule for how the platform reaches a workspace's stored URL.
 */
@Global()
@Module({
  providers: [
    { provide: InstanceIds, useClass: InstanceIdRepository },
    COMPUTE_BACKENDS_PROVIDER,
    {
      provide: WorkspaceUrlRewrite,
      useFactory: (config: AppConfig, backends: ComputeBackends) =>
        selectUrlRewrite(config, backends),
      inject: [AppConfig, ComputeBackends],
    },
    { provide: WorkspaceFileStore, useClass: NoEngineFileStore },
  ],
  exports: [ComputeBackends, WorkspaceUrlRewrite, WorkspaceFileStore],
})
export class ProvisionerModule {}
