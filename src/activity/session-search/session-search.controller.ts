import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { WorkspaceAuthGuard } from '../../common/auth/workspace-auth.guard';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { parseSessionSearchQuery } from './session-search-query';
import { SessionSearchHit, SessionSearchService } from './session-search.service';
import { ApiTag } from '../../common/openapi/tags';
import { ActivityApi } from '../activity.api';

@ApiTag('activity')
@Controller('workspaces/:id/session-search')
@UseGuards(WorkspaceAuthGuard)
export class SessionSearchController {
  constructor(private readonly sessions: SessionSearchService) {}

  @ActivityApi.sessionSearch
  @Get()
  find(
    @Param('id', WorkspaceIdPipe) id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<SessionSearchHit[]> {
    return this.sessions.find(id, parseSessionSearchQuery(query));
  }
}
