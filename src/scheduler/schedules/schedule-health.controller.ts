import { Controller, Get, Headers, Param, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../../common/auth/admin-auth.guard';
import { bearerToken } from '../../common/auth/bearer';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { AdminHealthEntry } from './schedule-health';
import { ScheduleHealthService } from './schedule-health.service';
import { ScheduleHealthRow } from './schedules.repository';
import { ApiTag } from '../../common/openapi/tags';
import { ScheduleHealthApi } from './schedules.api';

/** Outside the workspace auth gate: the peer view authenticates its caller itself. */
@ApiTag('schedules')
@Controller()
export class ScheduleHealthController {
  constructor(private readonly health: ScheduleHealthService) {}

  @ScheduleHealthApi.peer
  @Get('workspaces/:id/schedules/health')
  peer(
    @Param('id', WorkspaceIdPipe) workspaceId: string,
    @Headers('x-workspace-id') caller: string | undefined,
    @Headers('authorization') authorization: string | undefined,
  ): Promise<ScheduleHealthRow[]> {
    return this.health.peerHealth(workspaceId, caller, bearerToken(authorization));
  }

  @ScheduleHealthApi.admin
  @Get('admin/schedules/health')
  @UseGuards(AdminAuthGuard)
  admin(): Promise<AdminHealthEntry[]> {
    return this.health.adminHealth();
  }
}
