import { Module } from '@nestjs/common';
import { FileOwnerRepository } from './file-owner.repository';
import { FilesController } from './files.controller';
import { SharedContextController } from './shared-context.controller';
import { TemplateFiles } from './template-files';
import { TemplateImportController } from './template-import.controller';
import { TemplateImportService } from './template-import.service';
import { WorkspaceConfigController } from './workspace-config.controller';
import { WorkspaceConfigRepository } from './workspace-config.repository';
import { WorkspaceConfigService } from './workspace-config.service';
import { WorkspaceFilesService } from './workspace-files.service';

/** Layer 3: workspace files (the Config and Files tabs), shared context, workspace config, template import. */
@Module({
  controllers: [
    FilesController,
    SharedContextController,
    WorkspaceConfigController,
    TemplateImportController,
  ],
  providers: [
    FileOwnerRepository,
    WorkspaceFilesService,
    TemplateFiles,
    WorkspaceConfigRepository,
    WorkspaceConfigService,
    TemplateImportService,
  ],
  exports: [WorkspaceFilesService],
})
export class FilesModule {}
