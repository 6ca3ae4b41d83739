import { Controller, Get, Logger, Param, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../common/auth/admin-auth.guard';
import { internalError } from '../common/http/api-error';
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
    return this.guarded(this.events.recent(HISTORY_LIMIT));
  }

  @Get(':workspaceId')
  forWorkspace(
    @Param('workspaceId', WorkspaceIdPipe) workspaceId: string,
  ): Promise<StructureEventRow[]> {
    return this.guarded(this.events.recentForWorkspace(workspaceId, HISTORY_LIMIT));
  }

  private async guarded(query: Promise<StructureEventRow[]>): Promise<StructureEventRow[]> {
    try {
      return await query;
    } catch (err) {
      this.logger.error({ err }, 'event history query failed');
      throw internalError('query failed');
    }
  }
}
