import { Module } from '@nestjs/common';
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

/** Layer 2: workspace CRUD, hierarchy, templates, secrets and the provisioning flow. */
@Module({
  imports: [TemplatesModule, SecretsModule],
  controllers: [WorkspacesController],
  providers: [
    WorkspaceRepository,
    WorkspacesService,
    WorkspaceUpdateService,
    WorkspaceRemovalService,
    WorkspaceStateService,
    ProvisioningService,
    WorkspaceTeardown,
  ],
  // Org import and bundles create workspaces in their own transactions and provision them.
  exports: [WorkspaceRepository, ProvisioningService],
})
export class WorkspacesModule {}
