import { Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { WorkspaceAuthGuard } from '../../common/auth/workspace-auth.guard';
import { JsonBody } from '../../common/http/json-body.decorator';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { CreateScheduleDto } from './dto/create-schedule.dto';
import { UpdateScheduleDto } from './dto/update-schedule.dto';
import { HistoryEntry } from './schedule-view';
import { ScheduleRow } from './schedules.repository';
import { SchedulesService } from './schedules.service';
import { ApiTag } from '../../common/openapi/tags';
import { SchedulesApi } from './schedules.api';

/** A workspace's cron schedules (spec 05 §4.1–§4.6), behind the workspace auth gate. */
@ApiTag('schedules')
@Controller('workspaces/:id/schedules')
@UseGuards(WorkspaceAuthGuard)
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @SchedulesApi.list
  @Get()
  list(@Param('id', WorkspaceIdPipe) workspaceId: string): Promise<ScheduleRow[]> {
    return this.schedules.list(workspaceId);
  }

  @SchedulesApi.create
  @Post()
  create(
    @Param('id', WorkspaceIdPipe) workspaceId: string,
    @JsonBody(CreateScheduleDto, 'cron_expr and prompt are required') body: CreateScheduleDto,
  ) {
    return this.schedules.create(workspaceId, body);
  }

  @SchedulesApi.update
  @Patch(':scheduleId')
  update(
    @Param('id', WorkspaceIdPipe) workspaceId: string,
    @Param('scheduleId') scheduleId: string,
    @JsonBody(UpdateScheduleDto, 'invalid JSON') body: UpdateScheduleDto,
  ) {
    return this.schedules.update(workspaceId, scheduleId, body);
  }

  @SchedulesApi.remove
  @Delete(':scheduleId')
  remove(
    @Param('id', WorkspaceIdPipe) workspaceId: string,
    @Param('scheduleId') scheduleId: string,
  ) {
    return this.schedules.remove(workspaceId, scheduleId);
  }

  @SchedulesApi.runNow
  @Post(':scheduleId/run')
  @HttpCode(200)
  runNow(
    @Param('id', WorkspaceIdPipe) workspaceId: string,
    @Param('scheduleId') scheduleId: string,
  ) {
    return this.schedules.runNow(workspaceId, scheduleId);
  }

  @SchedulesApi.history
  @Get(':scheduleId/history')
  history(
    @Param('id', WorkspaceIdPipe) workspaceId: string,
    @Param('scheduleId') scheduleId: string,
  ): Promise<HistoryEntry[]> {
    return this.schedules.history(workspaceId, scheduleId);
  }
}
