import { Injectable, Logger } from '@nestjs/common';
import { badRequest, forbidden, internalError, notFound } from '../common/http/api-error';
import { parseUuid } from '../common/http/uuid';
import { ActivityListQuery } from './activity-list-query';
import { ActivityLogger } from './activity-logger';
import { INVALID_ACTIVITY_TYPE, REPORTABLE_ACTIVITY_TYPES } from './activity-types';
import { activityListJson } from './activity-view';
import { ActivityRepository } from './activity.repository';
import { ReportActivityDto } from './dto/report-activity.dto';
import { quoteForLog } from './log-escape';

/** An agent's self-report and the activity listing (spec 03 §5.2, §5.3). */
@Injectable()
export class ActivityService {
  private readonly logger = new Logger(ActivityService.name);

  constructor(
    private readonly activityLog: ActivityLogger,
    private readonly activity: ActivityRepository,
  ) {}

  async report(workspaceId: string, dto: ReportActivityDto): Promise<{ status: 'logged' }> {
    if (!REPORTABLE_ACTIVITY_TYPES.includes(dto.activity_type)) {
      throw badRequest(INVALID_ACTIVITY_TYPE);
    }
    const claimed = dto.source_id ?? '';
    // Any spelling of this workspace's own id is fine; anything else would forge an agent row.
    if (claimed !== '' && (parseUuid(claimed) ?? claimed) !== workspaceId) {
      this.logger.warn(
        `activity report: source_id ${quoteForLog(claimed)} does not match workspace ${workspaceId}`,
      );
      throw forbidden('source_id must match authenticated workspace');
    }
    const id = await this.activityLog.log({
      workspaceId,
      activityType: dto.activity_type,
      // Self-reported rows are always agent rows.
      sourceId: workspaceId,
      targetId: dto.target_id || null,
      method: dto.method || null,
      summary: dto.summary || null,
      requestBody: dto.request_body ?? dto.metadata ?? undefined,
      responseBody: dto.response_body ?? undefined,
      durationMs: dto.duration_ms ?? null,
      status: dto.status || 'ok',
      errorDetail: dto.error_detail || null,
    });
    // The reference answered 200 and lost the row; the agent should know it was not kept.
    // Asked only once the write failed, so the usual report costs no extra statement.
    if (id === undefined) {
      if (!(await this.activity.workspaceExists(workspaceId).catch(() => true)))
        throw notFound('workspace not found');
      throw internalError('failed to log activity');
    }
    return { status: 'logged' };
  }

  /** The listing as JSON text (see `activityListJson`). */
  async list(workspaceId: string, query: ActivityListQuery): Promise<string> {
    try {
      return activityListJson(await this.activity.list(workspaceId, query));
    } catch (err) {
      this.logger.error({ err, workspaceId }, 'activity query failed');
      throw internalError('query failed');
    }
  }
}
