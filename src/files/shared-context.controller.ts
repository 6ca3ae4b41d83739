import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { WorkspaceAuthGuard } from '../common/auth/workspace-auth.guard';
import { WorkspaceIdPipe } from '../common/http/uuid';
import { SharedContextFile, WorkspaceFilesService } from './workspace-files.service';

/** What a parent shares with its children: the files its config.yaml lists (spec 07 §7). */
@Controller('workspaces/:id/shared-context')
@UseGuards(WorkspaceAuthGuard)
export class SharedContextController {
  constructor(private readonly files: WorkspaceFilesService) {}

  @Get()
  get(@Param('id', WorkspaceIdPipe) id: string): Promise<SharedContextFile[]> {
    return this.files.sharedContext(id);
  }
}
