import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { WorkspaceAuthGuard } from '../../common/auth/workspace-auth.guard';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { TokenUsageService, WorkspaceMetrics } from './token-usage.service';

/** A workspace's token usage today, for the canvas Details tab. */
@Controller('workspaces/:id/metrics')
@UseGuards(WorkspaceAuthGuard)
export class MetricsController {
  constructor(private readonly usage: TokenUsageService) {}

  @Get()
  metrics(@Param('id', WorkspaceIdPipe) id: string): Promise<WorkspaceMetrics> {
    return this.usage.metrics(id);
  }
}
