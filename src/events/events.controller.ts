import { Controller, Get, Logger, Param, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../common/auth/admin-auth.guard';
import { orInternalError } from '../common/http/or-internal-error';
import { WorkspaceIdPipe } from '../common/http/uuid';
import { EventsRepository, StructureEventRow } from './events.repository';

const HISTORY_LIMIT = 100;

/** Recorded event history, newest first (broadcast-only events never appear here). */
@Controller('events')
@UseGuards(AdminAuthGuard)
export class EventsController {
  private readonly logger = new Logger(EventsController.name);

  constructor(private readonly events: EventsRepository) {}

  @Get()
  all(): Promise<StructureEventRow[]> {
    return orInternalError(this.events.recent(HISTORY_LIMIT), 'query failed', this.logger);
  }

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
