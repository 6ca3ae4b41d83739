import { Controller, HttpCode, Logger, Post, Query, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../../common/auth/admin-auth.guard';
import { badRequest, internalError } from '../../common/http/api-error';
import { atoi } from '../../common/http/query-params';
import { parseUuid } from '../../common/http/uuid';
import { A2AQueueRepository } from './a2a-queue.repository';

/** `POST /admin/a2a-queue/drop-stale` (spec 03 §3.6): clears queued messages nobody drained. */
@Controller('admin/a2a-queue')
@UseGuards(AdminAuthGuard)
export class AdminQueueController {
  private readonly logger = new Logger(AdminQueueController.name);

  constructor(private readonly queue: A2AQueueRepository) {}

  @Post('drop-stale')
  @HttpCode(200)
  async dropStale(
    @Query('max_age_minutes') maxAge?: string,
    @Query('workspace_id') workspaceId?: string,
  ): Promise<{ dropped: number }> {
    const minutes = maxAge === undefined || maxAge === '' ? 60 : atoi(maxAge);
    if (minutes === undefined || !Number.isSafeInteger(minutes) || minutes < 1) {
      throw badRequest('max_age_minutes must be a positive integer');
    }
    let scope: string | null = null;
    if (workspaceId) {
      scope = parseUuid(workspaceId);
      if (!scope) throw badRequest('invalid workspace ID');
    }
    try {
      return { dropped: await this.queue.dropStale(minutes, scope) };
    } catch (err) {
      this.logger.error({ err }, 'drop-stale failed');
      throw internalError('failed to drop stale items');
    }
  }
}
