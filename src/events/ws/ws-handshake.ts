import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { bearerToken } from '../../common/auth/bearer';
import { WorkspaceTokens } from '../../common/auth/workspace-tokens.service';
import { parseUuid } from '../../common/http/uuid';
import { corsOriginVerdict } from '../../common/middleware/cors.middleware';
import { isForTenant } from '../../common/middleware/tenant-guard.middleware';
import { AppConfig } from '../../config/app-config';

export type HandshakeResult =
  | { readonly ok: true; readonly workspaceId?: string }
  | {
      readonly ok: false;
      readonly status: number;
      readonly body: string;
      readonly contentType: string;
    };

const json = (status: number, error: string): HandshakeResult => ({
  ok: false,
  status,
  body: JSON.stringify({ error }),
  contentType: 'application/json',
});

/**
 * Decides who may open `/ws` (spec 02 §13.4). No `X-Workspace-ID` → a canvas client that
 * sees everything. With it → an agent client, held to its own token once it has one.
 */
@Injectable()
export class WsHandshake {
  private readonly logger = new Logger(WsHandshake.name);
  private readonly originVerdict: ReturnType<typeof corsOriginVerdict>;

  constructor(
    private readonly config: AppConfig,
    private readonly tokens: WorkspaceTokens,
  ) {
    this.originVerdict = corsOriginVerdict(config);
  }

  async verify(req: IncomingMessage): Promise<HandshakeResult> {
    // The tenant guard as for every other route: a bare 404 for another tenant's caller.
    if (!isForTenant(this.config, req.headers)) {
      return { ok: false, status: 404, body: '', contentType: 'text/plain' };
    }
    if (!this.originAdmitted(req)) {
      return { ok: false, status: 403, body: 'Forbidden', contentType: 'text/plain' };
    }
    return this.subscriber(req);
  }

  /**
   * Who is subscribing: the canvas, or an agent holding its own token once it has one. A plain
   * (non-upgrade) GET is judged on this too before its 400, as in the reference's handler.
   */
  async subscriber(req: IncomingMessage): Promise<HandshakeResult> {
    const header = req.headers['x-workspace-id'];
    const claimed = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
    if (claimed === '') return { ok: true };

    const workspaceId = parseUuid(claimed);
    if (!workspaceId) return json(400, 'invalid workspace ID');
    let gate;
    try {
      gate = await this.tokens.gate(workspaceId, bearerToken(req.headers.authorization));
    } catch (err) {
      this.logger.error({ err }, 'websocket auth check failed');
      return json(500, 'auth check failed');
    }
    if (gate === 'missing') return json(401, 'missing workspace auth token');
    if (gate === 'invalid') return json(401, 'invalid workspace auth token');
    return { ok: true, workspaceId };
  }

  /**
   * A browser page (any request carrying Origin) passes the CORS rule first, as on every route,
   * so a foreign page cannot read the event stream; with CORS_ORIGINS set, the upgrade's own
   * check also wants it listed. Non-browser subscribers send no Origin and are no CSWSH risk.
   */
  private originAdmitted(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (this.originVerdict(origin, req.headers.host) === 'refused') return false;
    if (!this.config.corsOriginsSet || origin === undefined) return true;
    const wanted = origin.trim().toLowerCase();
    return this.config.corsOrigins.some((allowed) => allowed.toLowerCase() === wanted);
  }
}
