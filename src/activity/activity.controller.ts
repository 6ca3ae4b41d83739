import { Controller, Get, Header, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { WorkspaceAuthGuard } from '../common/auth/workspace-auth.guard';
import { JsonBody } from '../common/http/json-body.decorator';
import { WorkspaceIdPipe } from '../common/http/uuid';
import { parseActivityListQuery } from './activity-list-query';
import { ActivityService } from './activity.service';
import { ReportActivityDto } from './dto/report-activity.dto';
import { ApiTag } from '../common/openapi/tags';
import { ActivityApi } from './activity.api';

/** A workspace's activity log: agents append to it, the canvas reads it. */
@ApiTag('activity')
@Controller('workspaces/:id/activity')
@UseGuards(WorkspaceAuthGuard)
export class ActivityController {
  constructor(private readonly activity: ActivityService) {}

  @ActivityApi.report
  @Post()
  @HttpCode(200)
  report(
    @Param('id', WorkspaceIdPipe) id: string,
    @JsonBody(ReportActivityDto, 'invalid request body') body: ReportActivityDto,
  ): Promise<{ status: 'logged' }> {
    return this.activity.report(id, body);
  }

  @ActivityApi.list
  @Get()
  @Header('Content-Type', 'application/json; charset=utf-8')
  list(
    @Param('id', WorkspaceIdPipe) id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    return this.activity.list(id, parseActivityListQuery(query));
  }
}
