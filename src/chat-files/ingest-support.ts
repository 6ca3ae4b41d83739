import { Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Readable } from 'node:stream';
import { Clock } from '../common/clock/clock';
import { badGateway } from '../common/http/api-error';
import { WorkspaceInbound } from './workspace-inbound';

/** How long a workspace's answer is trusted: an image refresh or restart may change it. */
export const INGEST_SUPPORT_TTL_MS = 5 * 60 * 1000;
const PROBE_TIMEOUT_MS = 10_000;
const PROBE_BOUNDARY = 'molecule-ingest-probe';

/** The path every chat-upload forward goes to (spec 03 §6.3). */
export function ingestUrl(workspaceUrl: string): string {
  return `${workspaceUrl.replace(/\/+$/, '')}/internal/chat/uploads/ingest`;
}

/**
 * Whether a workspace's runtime has the ingest endpoint (the runtime image in use today has
 * none), asked with a multipart body that holds no part — an ingest endpoint answers it
 * without storing anything (400 or 401), an older runtime answers 404 or 405 — and
 * remembered per workspace URL for a while, so the upload body itself never has to be
 * buffered to find out.
 */
@Injectable()
export class IngestSupport {
  private readonly logger = new Logger(IngestSupport.name);
  private readonly answers: LRUCache<string, boolean>;

  constructor(
    private readonly inbound: WorkspaceInbound,
    private readonly clock: Clock,
  ) {
    this.answers = new LRUCache({
      max: 10_000,
      ttl: INGEST_SUPPORT_TTL_MS,
      ttlResolution: 0,
      perf: { now: () => this.clock.now().getTime() },
    });
  }

  /** Rejects 502 `workspace unreachable` when the workspace does not answer the probe. */
  async supported(workspaceId: string, url: string, secret: string): Promise<boolean> {
    const key = `${workspaceId} ${url}`;
    const known = this.answers.get(key);
    if (known !== undefined) return known;
    const supported = await this.probe(workspaceId, url, secret);
    this.answers.set(key, supported);
    return supported;
  }

  /** A forward met 404 after all: ask again next time. */
  forget(workspaceId: string, url: string): void {
    this.answers.delete(`${workspaceId} ${url}`);
  }

  private async probe(workspaceId: string, url: string, secret: string): Promise<boolean> {
    const abort = new AbortController();
    const timer = this.clock.setTimeout(() => abort.abort(), PROBE_TIMEOUT_MS);
    try {
      const reply = await this.inbound.call({
        method: 'POST',
        url: ingestUrl(url),
        secret,
        headers: { 'content-type': `multipart/form-data; boundary=${PROBE_BOUNDARY}` },
        body: Readable.from([Buffer.from(`--${PROBE_BOUNDARY}--\r\n`)]),
        signal: abort.signal,
      });
      reply.body.resume();
      const supported = reply.status !== 404 && reply.status !== 405;
      this.logger.log({ workspaceId, status: reply.status, supported }, 'ingest endpoint probed');
      return supported;
    } catch (err) {
      this.logger.warn({ workspaceId, err: String(err) }, 'ingest probe got no answer');
      throw badGateway('workspace unreachable');
    } finally {
      timer.cancel();
    }
  }
}
