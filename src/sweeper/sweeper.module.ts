import { Module } from '@nestjs/common';
import { ImagesModule } from '../provisioner/images/images.module';
import { WorkspaceLifecycleService } from '../workspaces/lifecycle/workspace-lifecycle.service';
import { TemplatesModule } from '../workspaces/templates/templates.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { HealthRepository } from './health/health.repository';
import { HealthSweep } from './health/health-sweep';
import { DockerOnlyGuard } from './image-refresh/docker-only.guard';
import { WorkspaceImagesController } from './image-refresh/workspace-images.controller';
import { HibernationRepository } from './hibernation/hibernation.repository';
import { HibernationMonitor } from './hibernation/hibernation-monitor';
import { WorkspaceHibernation } from './hibernation/workspace-hibernation.port';
import { OrphanRepository } from './orphans/orphan.repository';
import { OrphanSweeper } from './orphans/orphan-sweeper';
import { ProvisionTimeoutPolicy } from './provision-timeout/provision-timeout-policy';
import { ProvisionTimeoutRepository } from './provision-timeout/provision-timeout.repository';
import { ProvisionTimeoutSweep } from './provision-timeout/provision-timeout-sweep';

/**
 * Layer 5: the loops that keep a fleet healthy without anyone watching — orphan containers
 * and stale tokens, dead compute, stuck provisioning, idle workspaces. Each runs through
 * `BackgroundLoops` (one replica per pass) and heals through the lifecycle's own paths. Also
 * the operators' image refresh endpoint (its recreated containers come back by the health
 * sweep).
 */
@Module({
  imports: [TemplatesModule, WorkspacesModule, ImagesModule],
  controllers: [WorkspaceImagesController],
  providers: [
    DockerOnlyGuard,
    OrphanRepository,
    OrphanSweeper,
    HealthRepository,
    HealthSweep,
    ProvisionTimeoutPolicy,
    ProvisionTimeoutRepository,
    ProvisionTimeoutSweep,
    HibernationRepository,
    HibernationMonitor,
    {
      provide: WorkspaceHibernation,
      inject: [WorkspaceLifecycleService],
      useFactory: (lifecycle: WorkspaceLifecycleService): WorkspaceHibernation => ({
        // Never forced: a workspace that took a task since it was picked stays awake.
        hibernate: (workspaceId) => lifecycle.hibernate(workspaceId, false),
      }),
    },
  ],
})
export class SweeperModule {}
