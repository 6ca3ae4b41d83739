import { Module } from '@nestjs/common';
import { HibernateAction } from './lifecycle/actions/hibernate.action';
import { PauseAction } from './lifecycle/actions/pause.action';
import { ProvisionAction } from './lifecycle/actions/provision.action';
import { RemoveAction } from './lifecycle/actions/remove.action';
import { AutoRestart } from './lifecycle/auto-restart';
import { ComputeStateRepository } from './lifecycle/compute-state.repository';
import { DesiredStateRepository } from './lifecycle/desired-state.repository';
import { LifecycleController } from './lifecycle/lifecycle.controller';
import { ReconcileActions } from './lifecycle/reconcile-actions';
import { ReconcileRepository } from './lifecycle/reconcile.repository';
import { ReconcileMetrics } from './lifecycle/reconcile-metrics';
import { Reconciler } from './lifecycle/reconciler';
import { WorkspaceLifecycleService } from './lifecycle/workspace-lifecycle.service';
import { ConfigSources } from './provisioning/config-source';
import { ProvisionCredentials } from './provisioning/provision-credentials';
import { ProvisioningService } from './provisioning/provisioning.service';
import { WorkspaceTeardown } from './provisioning/workspace-teardown';
import { SecretsModule } from './secrets/secrets.module';
import { TemplatesModule } from './templates/templates.module';
import { WorkspaceRemovalService } from './workspace-removal.service';
import { WorkspaceStateService } from './workspace-state.service';
import { WorkspaceUpdateService } from './workspace-update.service';
import { WorkspaceRepository } from './workspace.repository';
import { WorkspacesController } from './workspaces.controller';
import { WorkspacesService } from './workspaces.service';

/**
 * Layer 2: workspace CRUD, hierarchy, templates, secrets, and the lifecycle — the reconciler
 * with its actions (provision, pause, hibernate, remove) and the endpoints that drive it.
 */
@Module({
  imports: [TemplatesModule, SecretsModule],
  controllers: [WorkspacesController, LifecycleController],
  providers: [
    WorkspaceRepository,
    WorkspacesService,
    WorkspaceUpdateService,
    WorkspaceRemovalService,
    WorkspaceStateService,
    ProvisioningService,
    WorkspaceTeardown,
    // lifecycle
    Reconciler,
    ReconcileMetrics,
    ReconcileRepository,
    ReconcileActions,
    ProvisionAction,
    PauseAction,
    HibernateAction,
    RemoveAction,
    DesiredStateRepository,
    ComputeStateRepository,
    WorkspaceLifecycleService,
    AutoRestart,
    ConfigSources,
    ProvisionCredentials,
  ],
  // Org and bundle import start workspaces through ProvisioningService.provisionNew; the A2A
  // proxy wakes hibernated workspaces and the idle monitor hibernates through the lifecycle.
  exports: [WorkspaceRepository, ProvisioningService, WorkspaceLifecycleService],
})
export class WorkspacesModule {}
