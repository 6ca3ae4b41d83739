import { DynamicModule, Module } from '@nestjs/common';
import { A2AModule } from './a2a/a2a.module';
import { ActivityModule } from './activity/activity.module';
import { ChatFilesModule } from './chat-files/chat-files.module';
import { AuthModule } from './common/auth/auth.module';
import { ClockModule } from './common/clock/clock.module';
import { CryptoModule } from './common/crypto/crypto.module';
import { HooksModule } from './common/hooks/hooks.module';
import { LoopsModule } from './common/loops/loops.module';
import { ObservabilityModule } from './common/observability/observability.module';
import { ShutdownModule } from './common/shutdown/shutdown.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { MemoriesModule } from './memories/memories.module';
import { EventsModule } from './events/events.module';
import { FilesModule } from './files/files.module';
import { OperationsModule } from './operations/operations.module';
import { BudgetModule } from './workspaces/budget/budget.module';
import { BundlesModule } from './workspaces/bundles/bundles.module';
import { WorkspaceTokensModule } from './workspaces/tokens/workspace-tokens.module';
import { ViewportModule } from './workspaces/viewport/viewport.module';
import { OrgModule } from './org/org.module';
import { OrgTokensModule } from './org/tokens/org-tokens.module';
import { PluginsModule } from './plugins/plugins.module';
import { ImagesModule } from './provisioner/images/images.module';
import { ProvisionerModule } from './provisioner/provisioner.module';
import { RegistryModule } from './registry/registry.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { SweeperModule } from './sweeper/sweeper.module';
import { LifecycleHooksModule } from './workspaces/lifecycle/lifecycle-hooks.module';
import { WorkspacesModule } from './workspaces/workspaces.module';

/** Modules in layer order (spec: shared/ARCHITECTURE.md); a module imports only from below it. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // layer 0
        ConfigModule.forRoot(config),
        ObservabilityModule,
        ShutdownModule,
        ClockModule,
        DatabaseModule,
        LoopsModule,
        AuthModule,
        HooksModule,
        CryptoModule,
        EventsModule,
        // layer 1
        ProvisionerModule,
        ImagesModule,
        // layer 2
        LifecycleHooksModule,
        WorkspacesModule,
        WorkspaceTokensModule,
        BudgetModule,
        ViewportModule,
        BundlesModule,
        // layer 3
        RegistryModule,
        ActivityModule,
        FilesModule,
        // layer 4
        A2AModule,
        ChatFilesModule,
        MemoriesModule,
        // layer 5
        SchedulerModule,
        OrgTokensModule,
        OrgModule,
        PluginsModule,
        SweeperModule,
        OperationsModule,
      ],
    };
  }
}
