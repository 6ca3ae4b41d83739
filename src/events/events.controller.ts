import { Controller, Get, Logger, Param, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../common/auth/admin-auth.guard';
import { orInternalError } from '../common/http/or-internal-error';
import { WorkspaceIdPipe } from '../common/http/uuid';
import { EventsRepository, StructureEventRow } from './events.repository';
import { ApiTag } from '../common/openapi/tags';
import { EventsApi } from './events.api';

const HISTORY_LIMIT = 100;

/** Recorded event history, newest first (broadcast-only events never appear here). */
@ApiTag('events')
@Controller('events')
@UseGuards(AdminAuthGuard)
export class EventsController {
  private readonly logger = new Logger(EventsController.name);

  constructor(private readonly events: EventsRepository) {}

  @EventsApi.all
  @Get()
  all(): Promise<StructureEventRow[]> {
    return orInternalError(this.events.recent(HISTORY_LIMIT), 'query failed', this.logger);
  }

  @EventsApi.forWorkspace
  @Get(':workspaceId')
  forWorkspace(
    @Param('workspaceId', WorkspaceIdPipe) workspaceId: string,
  ): Promise<StructureEventRow[]> {
    return orInternalError(
      this.events.recentForWorkspace(workspaceId, HISTORY_LIMIT),
      'query failed',
      this.logger,
    );
  }
}
