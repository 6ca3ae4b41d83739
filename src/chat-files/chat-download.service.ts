import { Injectable, Logger } from '@nestjs/common';
import * as posix from 'node:path/posix';
import type { Readable } from 'node:stream';
import { Clock } from '../common/clock/clock';
import {
  badGateway,
  badRequest,
  internalError,
  notFound,
  serviceUnavailable,
} from '../common/http/api-error';
import { attachmentDisposition, utf8HeaderValue } from './content-disposition';
import { ChatTarget } from './chat-target.repository';
import { ChatTargets } from './chat-targets';
import { isCredentialPath } from './download-path';
import { downloadContentType } from './upload-names';
import { WorkspaceInbound } from './workspace-inbound';

/** How long a forwarded download may take to start answering. */
export const DOWNLOAD_FORWARD_TIMEOUT_MS = 120_000;

/** A download ready to stream: the headers to send and the bytes. */
export interface Download {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readable;
}

/**
 * In this order: Node re-encodes a Content-Disposition set after a Content-Length (it reads
 * the value's latin1 bytes back as UTF-8), which would garble the UTF-8 name the reference
 * sends. Before it, the value's bytes go out as given.
 */
const RELAYED_HEADERS = ['content-type', 'content-disposition', 'content-length'];

/**
 * `GET /workspaces/:id/chat/download` (spec 03 §6.5): a local Docker workspace's file is read
 * through the engine's archive API (no shell) and streamed; any other workspace is asked at
 * `/internal/file/read` with its inbound secret and its answer relayed.
 */
@Injectable()
export class ChatDownloadService {
  private readonly logger = new Logger(ChatDownloadService.name);

  constructor(
    private readonly targets: ChatTargets,
    private readonly inbound: WorkspaceInbound,
    private readonly clock: Clock,
  ) {}

  /** `path` passed `checkDownloadPath`. */
  async download(workspaceId: string, path: string): Promise<Download> {
    const target = await this.targets.find(workspaceId);
    return this.targets.isLocal(target)
      ? this.fromContainer(workspaceId, target, path)
      : this.forward(workspaceId, target, path);
  }

  private async fromContainer(
    workspaceId: string,
    target: ChatTarget,
    path: string,
  ): Promise<Download> {
    if (!this.targets.hasDocker) throw serviceUnavailable('docker unavailable');
    const files = await this.targets.openContainer(workspaceId, target);
    if (files === 'unavailable') throw serviceUnavailable('docker unavailable');
    if (!files) throw serviceUnavailable('workspace container not running');
    const session = files;
    const close = () =>
      void session.close().catch((err: unknown) => this.logger.warn({ err }, 'close failed'));
    try {
      if (isCredentialPath(path)) throw notFound('file not found');
      let read;
      try {
        read = await session.read(path);
      } catch (err) {
        this.logger.error({ err, workspaceId }, 'reading a download from the container failed');
        throw internalError('failed to read archive');
      }
      if (read.kind === 'missing') throw notFound('file not found');
      if (read.kind === 'not-a-file') throw badRequest('path is not a regular file');
      read.content.once('close', close);
      const name = posix.basename(path);
      return {
        status: 200,
        headers: {
          // Order matters: see RELAYED_HEADERS.
          'content-type': downloadContentType(name),
          'content-disposition': utf8HeaderValue(attachmentDisposition(name)),
          'content-length': String(read.size),
        },
        body: read.content,
      };
    } catch (err) {
      close();
      throw err;
    }
  }

  private async forward(workspaceId: string, target: ChatTarget, path: string): Promise<Download> {
    const reachable = await this.targets.reachable(workspaceId, target);
    const abort = new AbortController();
    const timer = this.clock.setTimeout(() => abort.abort(), DOWNLOAD_FORWARD_TIMEOUT_MS);
    try {
      const reply = await this.inbound.call({
        method: 'GET',
        url: `${reachable.url.replace(/\/+$/, '')}/internal/file/read?path=${encodeURIComponent(path)}`,
        secret: reachable.secret,
        signal: abort.signal,
      });
      const headers: Record<string, string> = {};
      for (const name of RELAYED_HEADERS)
        if (reply.headers[name] !== undefined) headers[name] = reply.headers[name];
      return { status: reply.status, headers, body: reply.body };
    } catch (err) {
      this.logger.warn({ workspaceId, err: String(err) }, 'download forward got no answer');
      throw badGateway('workspace unreachable');
    } finally {
      timer.cancel();
    }
  }
}
