import { Injectable, Logger } from '@nestjs/common';
import { badRequest, notFound } from '../../common/http/api-error';
import { parseUuid } from '../../common/http/uuid';
import { EventEmitter } from '../../events/event-emitter.port';
import { ActivityRepository } from '../activity.repository';
import { NotifyDto } from '../dto/notify.dto';
import {
  Attachment,
  firstIncompleteAttachment,
  liveAttachment,
  notifyResponseBody,
  notifySummary,
} from './notify-message';
import { NotifyRepository } from './notify.repository';

/**
 * An agent's push message to the canvas (spec 03 §5.5): delivered live as `AGENT_MESSAGE`, then
 * kept as a canvas-side `a2a_receive` row so the chat history still shows it after a reload.
 */
@Injectable()
export class NotifyService {
  private readonly logger = new Logger(NotifyService.name);

  constructor(
    private readonly workspaces: NotifyRepository,
    private readonly activity: ActivityRepository,
    private readonly events: EventEmitter,
  ) {}

  async notify(rawId: string, dto: NotifyDto): Promise<{ status: 'sent' }> {
    const given = dto.attachments ?? [];
    const incomplete = firstIncompleteAttachment(given);
    if (incomplete >= 0) {
      throw badRequest(`attachment[${incomplete}]: uri and name are required`);
    }
    const attachments = given as Attachment[];
    const workspaceId = parseUuid(rawId);
    const name = workspaceId ? await this.liveName(workspaceId) : undefined;
    if (workspaceId === null || name === undefined) throw notFound('workspace not found');

    const payload: Record<string, unknown> = {
      message: dto.message,
      workspace_id: workspaceId,
      name,
    };
    if (attachments.length > 0) payload.attachments = attachments.map(liveAttachment);
    this.events.broadcastOnly('AGENT_MESSAGE', workspaceId, payload);

    await this.persist(workspaceId, dto.message, attachments);
    return { status: 'sent' };
  }

  private async liveName(workspaceId: string): Promise<string | undefined> {
    try {
      return await this.workspaces.liveWorkspaceName(workspaceId);
    } catch (err) {
      this.logger.error({ err, workspaceId }, 'notify: workspace lookup failed');
      return undefined;
    }
  }

  /**
   * Best effort: the user already saw the live message. No `ACTIVITY_LOGGED` (reference); NULL
   * source so it loads as a canvas-side row, NULL request so reload invents no user bubble.
   */
  private async persist(workspaceId: string, message: string, attachments: Attachment[]) {
    try {
      await this.activity.insert({
        workspaceId,
        activityType: 'a2a_receive',
        sourceId: null,
        targetId: null,
        method: 'notify',
        summary: notifySummary(message),
        requestBody: null,
        responseBody: JSON.stringify(notifyResponseBody(message, attachments)),
        toolTrace: null,
        durationMs: null,
        status: 'ok',
        errorDetail: null,
      });
    } catch (err) {
      this.logger.error({ err, workspaceId }, 'notify: could not persist the message');
    }
  }
}
