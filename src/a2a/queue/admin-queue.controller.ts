import { Controller, HttpCode, Logger, Post, Query, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../../common/auth/admin-auth.guard';
import { badRequest, internalError } from '../../common/http/api-error';
import { atoi, firstValue } from '../../common/http/query-params';
import { parseUuid } from '../../common/http/uuid';
import { A2AQueueRepository } from './a2a-queue.repository';
import { ApiTag } from '../../common/openapi/tags';
import { A2AQueueApi } from '../a2a.api';

/** `make_interval` takes its minutes as a 32-bit integer. */
const MAX_AGE_MINUTES = 2 ** 31 - 1;

/** `POST /admin/a2a-queue/drop-stale` (spec 03 §3.6): clears queued messages nobody drained. */
@ApiTag('a2a')
@Controller('admin/a2a-queue')
@UseGuards(AdminAuthGuard)
export class AdminQueueController {
  private readonly logger = new Logger(AdminQueueController.name);

  constructor(private readonly queue: A2AQueueRepository) {}

  @A2AQueueApi
  @Post('drop-stale')
  @HttpCode(200)
  async dropStale(@Query() query: Record<string, unknown>): Promise<{ dropped: number }> {
    // Present means it must be valid: `?max_age_minutes=$UNSET` must not drop an hour of messages.
    const maxAge = firstValue(query.max_age_minutes);
    const minutes = maxAge === undefined ? 60 : atoi(maxAge);
    if (minutes === undefined || !Number.isSafeInteger(minutes) || minutes < 1) {
      throw badRequest('max_age_minutes must be a positive integer');
    }
    const workspaceId = firstValue(query.workspace_id);
    let scope: string | null = null;
    if (workspaceId) {
      scope = parseUuid(workspaceId);
      if (!scope) throw badRequest('invalid workspace ID');
    }
    try {
      // Older than 2^31 minutes (4 000 years) is older than anything queued: the same cutoff.
      const cutoffMinutes = Math.min(minutes, MAX_AGE_MINUTES);
      return { dropped: await this.queue.dropStale(cutoffMinutes, scope) };
    } catch (err) {
      this.logger.error({ err }, 'drop-stale failed');
      throw internalError('failed to drop stale items');
    }
  }
}
