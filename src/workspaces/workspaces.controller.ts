import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import type { Request } from 'express';
import { AdminAuthGuard } from '../common/auth/admin-auth.guard';
import { WorkspaceAuthGuard } from '../common/auth/workspace-auth.guard';
import { JsonBody } from '../common/http/json-body.decorator';
import { WorkspaceIdPipe } from '../common/http/uuid';
import { AppConfig } from '../config/app-config';
import { CreateWorkspaceDto } from './dto/create-workspace.dto';
import { publicPlatformUrl } from './external-connection';
import { WorkspaceRemovalService } from './workspace-removal.service';
import { WorkspaceStateService } from './workspace-state.service';
import { WorkspaceUpdateService } from './workspace-update.service';
import { WorkspacesService } from './workspaces.service';
import { ApiTag } from '../common/openapi/tags';
import { WorkspacesApi } from './workspaces.api';

@ApiTag('workspaces')
@Controller('workspaces')
export class WorkspacesController {
  constructor(
    private readonly config: AppConfig,
    private readonly workspaces: WorkspacesService,
    private readonly updates: WorkspaceUpdateService,
    private readonly removals: WorkspaceRemovalService,
    private readonly states: WorkspaceStateService,
  ) {}

  @WorkspacesApi.list
  @Get()
  @UseGuards(AdminAuthGuard)
  list(): Promise<Record<string, unknown>[]> {
    return this.workspaces.list();
  }

  @WorkspacesApi.create
  @Post()
  @HttpCode(201)
  @UseGuards(AdminAuthGuard)
  async create(
    @JsonBody(CreateWorkspaceDto, 'invalid workspace payload') body: CreateWorkspaceDto,
    @Req() req: Request,
  ): Promise<Record<string, unknown>> {
    const platformUrl = () =>
      publicPlatformUrl(this.config.externalPlatformUrl, req.headers, req.secure);
    return this.workspaces.create(body, platformUrl);
  }

  /** Open (no auth): sensitive fields are stripped from the answer. */
  @WorkspacesApi.get
  @Get(':id')
  get(@Param('id', WorkspaceIdPipe) id: string): Promise<Record<string, unknown>> {
    return this.workspaces.get(id);
  }

  @WorkspacesApi.update
  @Patch(':id')
  @UseGuards(WorkspaceAuthGuard)
  update(
    @Param('id', WorkspaceIdPipe) id: string,
    @JsonBody(undefined, 'invalid request body') body: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    return this.updates.update(id, body);
  }

  @WorkspacesApi.remove
  @Delete(':id')
  @UseGuards(AdminAuthGuard)
  remove(
    @Param('id', WorkspaceIdPipe) id: string,
    @Query('confirm') confirm?: string,
    @Query('purge') purge?: string,
  ): Promise<Record<string, unknown>> {
    return this.removals.remove(id, { confirm: confirm === 'true', purge: purge === 'true' });
  }

  @WorkspacesApi.state
  @Get(':id/state')
  @UseGuards(WorkspaceAuthGuard)
  state(
    @Param('id', WorkspaceIdPipe) id: string,
    @Req() req: Request,
  ): Promise<Record<string, unknown>> {
    return this.states.state(id, req.headers.authorization);
  }
}
