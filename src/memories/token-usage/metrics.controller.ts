import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { WorkspaceAuthGuard } from '../../common/auth/workspace-auth.guard';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { TokenUsageService, WorkspaceMetrics } from './token-usage.service';
import { ApiTag } from '../../common/openapi/tags';
import { TokenUsageApi } from '../memories.api';

/** A workspace's token usage today, for the canvas Details tab. */
@ApiTag('token usage')
@Controller('workspaces/:id/metrics')
@UseGuards(WorkspaceAuthGuard)
export class MetricsController {
  constructor(private readonly usage: TokenUsageService) {}

  @TokenUsageApi
  @Get()
  metrics(@Param('id', WorkspaceIdPipe) id: string): Promise<WorkspaceMetrics> {
    return this.usage.metrics(id);
  }
}
