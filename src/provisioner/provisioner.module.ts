import { Global, Module } from '@nestjs/common';
import { Clock } from '../common/clock/clock';
import { AppConfig } from '../config/app-config';
import { ComputeBackends } from './compute-backends';
import { selectComputeBackends, selectUrlRewrite } from './compute-selection';
import { InstanceIdRepository, InstanceIds } from './control-plane/instance-ids.repository';
import { DockerProvisioner } from './docker/docker-provisioner';
import { NoEngineFileStore, WorkspaceFileStore } from './workspace-file-store';
import { WorkspaceUrlRewrite } from './workspace-url-rewrite';

/** The compute backends from config; tests replace this provider (see test/support/test-app). */
export const COMPUTE_BACKENDS_PROVIDER = {
  provide: ComputeBackends,
  useFactory: selectComputeBackends,
  inject: [AppConfig, Clock, InstanceIds],
};

/**
 * Layer 1: the compute adapters (Docker, control plane), chosen from config at boot, the rule
 * for how the platform reaches a workspace's stored URL, and the workspaces' files on the
 * Docker engine (none without one).
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
    {
      provide: WorkspaceFileStore,
      useFactory: (backends: ComputeBackends): WorkspaceFileStore =>
        backends.docker instanceof DockerProvisioner
          ? backends.docker.files
          : new NoEngineFileStore(),
      inject: [ComputeBackends],
    },
  ],
  exports: [ComputeBackends, WorkspaceUrlRewrite, WorkspaceFileStore],
})
export class ProvisionerModule {}
