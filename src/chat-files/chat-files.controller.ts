import { Controller, Get, Logger, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WorkspaceAuthGuard } from '../common/auth/workspace-auth.guard';
import { atoi, firstValue } from '../common/http/query-params';
import { WorkspaceIdPipe } from '../common/http/uuid';
import { ChatDownloadService } from './chat-download.service';
import { ChatUploadService } from './chat-upload.service';
import { checkDownloadPath } from './download-path';
import { ApiTag } from '../common/openapi/tags';
import { ChatFilesApi } from './chat-files.api';

/** Chat attachments between the canvas, the platform and the agents (spec 03 §6). */
@ApiTag('chat files')
@Controller('workspaces/:id/chat')
@UseGuards(WorkspaceAuthGuard)
export class ChatFilesController {
  private readonly logger = new Logger(ChatFilesController.name);

  constructor(
    private readonly uploads: ChatUploadService,
    private readonly downloads: ChatDownloadService,
  ) {}

  @ChatFilesApi.upload
  @Post('uploads')
  async upload(
    @Param('id', WorkspaceIdPipe) id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const length = atoi(req.headers['content-length'] ?? '');
    const outcome = await this.uploads.upload(id, {
      contentType: req.headers['content-type'],
      contentLength: length !== undefined && length > 0 ? length : undefined,
      body: req,
    });
    if (outcome.kind === 'staged') {
      res.status(200).json(outcome.body);
      return;
    }
    const { reply } = outcome;
    await this.relay(
      res,
      reply.status,
      pick(reply.headers, ['content-type', 'content-length']),
      reply.body,
    );
  }

  @ChatFilesApi.download
  @Get('download')
  async download(
    @Param('id', WorkspaceIdPipe) id: string,
    @Query('path') rawPath: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const path = checkDownloadPath(firstValue(rawPath) ?? '');
    const download = await this.downloads.download(id, path);
    await this.relay(res, download.status, download.headers, download.body);
  }

  /**
   * Status and headers (in the given order), then the body as it arrives; a body that breaks
   * off is only logged.
   */
  private async relay(
    res: Response,
    status: number,
    headers: Readonly<Record<string, string>>,
    body: Readable,
  ): Promise<void> {
    res.status(status);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    try {
      await pipeline(body, res);
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'chat file relay ended early');
      res.destroy();
    }
  }
}

function pick(headers: Readonly<Record<string, string>>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) if (headers[name] !== undefined) out[name] = headers[name];
  return out;
}
