import {
  BeforeApplicationShutdown,
  Controller,
  Get,
  Logger,
  Param,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { WorkspaceAuthGuard } from '../common/auth/workspace-auth.guard';
import { internalError, notFound } from '../common/http/api-error';
import { ShutdownSignal } from '../common/shutdown/shutdown-signal';
import { WorkspaceIdPipe } from '../common/http/uuid';
import { BusEvent } from './event-envelope';
import { EventBus } from './event-bus';
import { EventMetrics } from './event-metrics';
import { EventsRepository } from './events.repository';
import { ApiTag } from '../common/openapi/tags';
import { EventsApi } from './events.api';

/** Frames written while the socket is not draining; beyond this a slow reader loses events. */
const MAX_BACKLOG = 64;

/**
 * `GET /workspaces/:id/events/stream`: the events of one workspace as AG-UI SSE frames
 * (`data: {"type","timestamp","data"}`), starting with a `: ping` comment.
 */
@ApiTag('events')
@Controller('workspaces/:id/events')
@UseGuards(WorkspaceAuthGuard)
export class SseController implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SseController.name);
  /** Open streams, ended at shutdown so the HTTP server can close. */
  private readonly open = new Set<Response>();

  constructor(
    private readonly bus: EventBus,
    private readonly events: EventsRepository,
    private readonly metrics: EventMetrics,
    shutdown: ShutdownSignal,
  ) {
    // Streams never end by themselves: a draining server lets them go at once.
    shutdown.signal.addEventListener('abort', () => this.endAll(), { once: true });
  }

  @EventsApi.stream
  @Get('stream')
  async stream(
    @Param('id', WorkspaceIdPipe) id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    let exists: boolean;
    try {
      exists = await this.events.workspaceExists(id);
    } catch (err) {
      this.logger.error({ err }, 'SSE existence check failed');
      throw internalError('failed to verify workspace');
    }
    if (!exists) throw notFound('workspace not found');

    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(': ping\n\n');

    let backlog = 0;
    res.on('drain', () => (backlog = 0));
    const unsubscribe = this.bus.subscribeWorkspace(id, (event: BusEvent) => {
      if (backlog >= MAX_BACKLOG) {
        this.metrics.droppedFor('sse');
        this.logger.warn(
          { workspaceId: id, event: event.envelope.event },
          'SSE subscriber backlog full; event dropped',
        );
        return;
      }
      const frame = {
        type: event.envelope.event,
        timestamp: Date.parse(event.envelope.timestamp),
        data: event.envelope.payload,
      };
      if (!res.write(`data: ${JSON.stringify(frame)}\n\n`)) backlog++;
    });
    this.open.add(res);
    this.metrics.streamOpened();
    req.on('close', () => {
      unsubscribe();
      this.open.delete(res);
      this.metrics.streamClosed();
    });
  }

  beforeApplicationShutdown(): void {
    this.endAll();
  }

  private endAll(): void {
    for (const res of this.open) res.end();
  }
}
