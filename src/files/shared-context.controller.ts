import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { WorkspaceAuthGuard } from '../common/auth/workspace-auth.guard';
import { WorkspaceIdPipe } from '../common/http/uuid';
import { SharedContextFile, WorkspaceFilesService } from './workspace-files.service';
import { ApiTag } from '../common/openapi/tags';
import { SharedContextApi } from './files.api';

/** What a parent shares with its children: the files its config.yaml lists (spec 07 §7). */
@ApiTag('files')
@Controller('workspaces/:id/shared-context')
@UseGuards(WorkspaceAuthGuard)
export class SharedContextController {
  constructor(private readonly files: WorkspaceFilesService) {}

  @SharedContextApi
  @Get()
  get(@Param('id', WorkspaceIdPipe) id: string): Promise<SharedContextFile[]> {
    return this.files.sharedContext(id);
  }
}
