import { Controller, Logger, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { platformUnavailable } from '../../common/http/api-error';
import { bearerToken } from '../../common/auth/bearer';
import { WorkspaceTokens } from '../../common/auth/workspace-tokens.service';
import { forbidden, unauthorized } from '../../common/http/api-error';
import { atoi } from '../../common/http/query-params';
import { jsonText } from '../../common/http/json-text';
import { readBody } from '../../common/http/read-body';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { DatabaseOutage } from '../../database/database-outage';
import { A2AProxyService } from './a2a-proxy.service';
import { identifyCaller } from './caller';
import { ProxyResult } from './proxy-result';
import { ApiTag } from '../../common/openapi/tags';
import { A2AProxyApi } from '../a2a.api';

/** Request bodies above this are refused (the reference truncated them silently). */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * `POST /workspaces/:id/a2a` (spec 03 §2). Outside WorkspaceAuth: the canvas calls it
 * without credentials; agents identify themselves with `X-Workspace-ID` and their own token.
 */
@ApiTag('a2a')
@Controller('workspaces/:id')
export class A2AProxyController {
  private readonly logger = new Logger(A2AProxyController.name);

  constructor(
    private readonly proxy: A2AProxyService,
    private readonly tokens: WorkspaceTokens,
  ) {}

  @A2AProxyApi
  @Post('a2a')
  async forward(
    @Param('id', WorkspaceIdPipe) targetId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    // Logged as well as forwarded: text the activity log cannot store is refused here.
    const body = jsonText(await readBody(req, MAX_REQUEST_BYTES));
    const caller = identifyCaller(header(req, 'x-workspace-id'), targetId);
    if (caller.kind === 'forged') throw forbidden('invalid caller ID');
    if (caller.kind === 'agent') await this.requireCallerToken(caller.id, req);

    const result = await this.proxy.proxy({
      targetId,
      callerId: caller.kind === 'canvas' ? '' : caller.id,
      body,
      logFailures: true,
      timeoutMs: parseTimeout(header(req, 'x-timeout')),
      enqueueWhenBusy: true,
    });
    await this.write(result, res);
  }

  /** The caller's own token, once it has one; a datastore error never lets a call through. */
  private async requireCallerToken(callerId: string, req: Request): Promise<void> {
    const gate = await this.tokens
      .gate(callerId, bearerToken(req.headers.authorization))
      .catch(() => {
        throw platformUnavailable();
      });
    if (gate === 'missing') throw unauthorized('missing caller auth token');
    if (gate === 'invalid') throw unauthorized('invalid caller auth token');
  }

  private async write(result: ProxyResult, res: Response): Promise<void> {
    // The proxy's own lookups failed because the database is away: the contract's outage answer.
    if (result.status === 500 && DatabaseOutage.seenInThisRequest()) throw platformUnavailable();
    if (result.kind === 'json') {
      res.status(result.status).set(result.headers ?? {});
      res.setHeader('Content-Type', 'application/json');
      res.end(result.body);
      return;
    }
    res.status(result.status);
    res.setHeader('Content-Type', result.contentType);
    if (result.contentType.startsWith('text/event-stream'))
      res.setHeader('Cache-Control', 'no-cache');
    res.flushHeaders();
    try {
      await pipeline(result.stream, res);
    } catch (err) {
      // Headers are out: the only thing left to do is end the client's stream too.
      this.logger.warn({ err: String(err) }, 'streamed A2A reply ended early');
      res.destroy();
    }
  }
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `X-Timeout`, read like the reference's Atoi: whole seconds > 0 bound the dispatch for real;
 * anything else — including a number too large to hold exactly — is ignored.
 */
export function parseTimeout(value: string | undefined): number | undefined {
  const seconds = atoi(value?.trim() ?? '');
  return seconds !== undefined && Number.isSafeInteger(seconds) && seconds > 0
    ? seconds * 1000
    : undefined;
}
