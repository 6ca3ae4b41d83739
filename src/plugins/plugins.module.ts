import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { OrgPluginAllowlistController } from './allowlist/org-plugin-allowlist.controller';
import { OrgPluginAllowlistRepository } from './allowlist/org-plugin-allowlist.repository';
import { OrgPluginAllowlistService } from './allowlist/org-plugin-allowlist.service';
import { PluginCatalog } from './catalog/plugin-catalog';
import { PluginsController } from './plugins.controller';
import { GithubResolver } from './sources/github-resolver';
import { LocalResolver } from './sources/local-resolver';
import { PluginSourceRegistry, PluginSources } from './sources/plugin-sources';
import { DEFAULT_MAX_ARCHIVE_ENTRIES } from './sources/repository-tarball';
import { PluginStager } from './staging/plugin-stager';
import { PluginStagingArea } from './staging/staging-area';
import { PluginWorkspacesRepository } from './workspace/plugin-workspaces.repository';
import { WorkspacePluginsController } from './workspace/workspace-plugins.controller';
import { WorkspacePluginsService } from './workspace/workspace-plugins.service';

/** The default sources: the local registry and GitHub (spec 05 §7.1). */
export function defaultPluginSources(config: AppConfig): PluginSources {
  const sources = new PluginSourceRegistry();
  sources.register(new LocalResolver(config.pluginsDir, config.pluginInstallMaxDirBytes));
  sources.register(
    new GithubResolver({
      apiUrl: config.pluginGithubApiUrl,
      allowUnpinned: config.pluginAllowUnpinned,
      limits: {
        maxBytes: config.pluginInstallMaxDirBytes,
        maxEntries: DEFAULT_MAX_ARCHIVE_ENTRIES,
      },
    }),
  );
  return sources;
}

/**
 * Layer 5: plugin sources and staging, the registry listing, install / uninstall / download
 * for a workspace, and the org allowlist.
 */
@Module({
  controllers: [PluginsController, WorkspacePluginsController, OrgPluginAllowlistController],
  providers: [
    { provide: PluginSources, useFactory: defaultPluginSources, inject: [AppConfig] },
    { provide: PluginStagingArea, useFactory: () => new PluginStagingArea() },
    PluginStager,
    PluginCatalog,
    PluginWorkspacesRepository,
    WorkspacePluginsService,
    OrgPluginAllowlistRepository,
    OrgPluginAllowlistService,
  ],
  exports: [PluginSources, PluginCatalog],
})
export class PluginsModule {}
