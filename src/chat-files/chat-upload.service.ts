import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock/clock';
import { badGateway, badRequest, payloadTooLarge } from '../common/http/api-error';
import { CappedBody } from './capped-body';
import { ChatTargets, ReachableTarget } from './chat-targets';
import { ingestUrl, IngestSupport } from './ingest-support';
import { ChatUploadStager } from './upload-stager';
import { MAX_UPLOAD_BYTES, UPLOAD_ERRORS, UploadedFile, UploadRequest } from './upload-limits';
import { InboundReply, WorkspaceInbound } from './workspace-inbound';

/** Bounds a whole forward, reply included (spec 03 §6.3). */
export const UPLOAD_FORWARD_TIMEOUT_MS = 120_000;

export type UploadOutcome =
  | { readonly kind: 'staged'; readonly body: { files: UploadedFile[] } }
  | { readonly kind: 'relayed'; readonly reply: InboundReply };

/**
 * `POST /workspaces/:id/chat/uploads` (spec 03 §6.3): the body streams through to the
 * workspace's ingest endpoint and its reply comes back unchanged. A local Docker workspace
 * whose runtime predates that endpoint gets the files staged through the engine instead
 * (spec 03 §6.2), with the same reply shape.
 */
@Injectable()
export class ChatUploadService {
  private readonly logger = new Logger(ChatUploadService.name);

  constructor(
    private readonly targets: ChatTargets,
    private readonly ingest: IngestSupport,
    private readonly inbound: WorkspaceInbound,
    private readonly stager: ChatUploadStager,
    private readonly clock: Clock,
  ) {}

  async upload(workspaceId: string, upload: UploadRequest): Promise<UploadOutcome> {
    const target = await this.targets.find(workspaceId);
    const reachable = await this.targets.reachable(workspaceId, target);
    if (upload.contentLength !== undefined && upload.contentLength > MAX_UPLOAD_BYTES)
      throw payloadTooLarge(UPLOAD_ERRORS.declaredTooLarge);
    const canStage = this.targets.isLocal(target) && this.targets.hasDocker;
    if (canStage && !(await this.ingest.supported(workspaceId, reachable.url, reachable.secret))) {
      return { kind: 'staged', body: await this.stager.stage(workspaceId, target, upload) };
    }
    return { kind: 'relayed', reply: await this.forward(workspaceId, reachable, upload) };
  }

  private async forward(
    workspaceId: string,
    target: ReachableTarget,
    upload: UploadRequest,
  ): Promise<InboundReply> {
    const abort = new AbortController();
    const timer = this.clock.setTimeout(() => abort.abort(), UPLOAD_FORWARD_TIMEOUT_MS);
    const body = new CappedBody(upload.body, MAX_UPLOAD_BYTES);
    const headers: Record<string, string> = {};
    if (upload.contentType !== undefined) headers['content-type'] = upload.contentType;
    if (upload.contentLength) headers['content-length'] = String(upload.contentLength);
    let reply: InboundReply;
    try {
      reply = await this.inbound.call({
        method: 'POST',
        url: ingestUrl(target.url),
        secret: target.secret,
        headers,
        body,
        signal: abort.signal,
      });
    } catch (err) {
      timer.cancel();
      body.destroy();
      if (body.failure === 'too-large') throw payloadTooLarge(UPLOAD_ERRORS.tooLarge);
      if (body.failure === 'broken-off') throw badRequest(UPLOAD_ERRORS.unreadable);
      this.logger.warn({ workspaceId, err: String(err) }, 'chat upload forward got no answer');
      throw badGateway('workspace unreachable');
    }
    // The timeout also bounds the relay of the reply.
    reply.body.once('close', () => timer.cancel());
    if (reply.status === 404) this.ingest.forget(workspaceId, target.url);
    return reply;
  }
}
