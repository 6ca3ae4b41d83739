import { Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { badRequest, forbidden, notFound, serviceUnavailable } from '../../common/http/api-error';
import { orInternalError } from '../../common/http/or-internal-error';
import { parseUuid } from '../../common/http/uuid';
import { UrlGuard } from '../../common/ssrf/url-guard';
import { WorkspaceAccess } from '../access/workspace-access';
import { DiscoveryAuth } from './discovery-auth';
import { toPeerView } from '../../workspaces/workspace-view';
import { DiscoveryRepository } from './discovery.repository';

/**
 * Peer discovery (spec 02 §8–§10): the URL a workspace should use to reach another one, and
 * the org-chart neighbourhood of a workspace.
 */
@Injectable()
export class DiscoveryService {
  private readonly logger = new Logger(DiscoveryService.name);

  constructor(
    private readonly repository: DiscoveryRepository,
    private readonly auth: DiscoveryAuth,
    private readonly access: WorkspaceAccess,
    private readonly urlGuard: UrlGuard,
  ) {}

  async discover(
    target: string,
    callerHeader: string | undefined,
    req: Request,
  ): Promise<Record<string, unknown>> {
    const callerRaw = callerHeader?.trim() ?? '';
    if (callerRaw === '') throw badRequest('X-Workspace-ID header is required');
    const callerId = parseUuid(callerRaw);
    if (!callerId) throw badRequest('invalid workspace ID');
    await this.auth.authenticate(callerId, req);
    if (!(await this.access.canCommunicate(callerId, target)))
      throw forbidden('not authorized to discover this workspace');

    const rows = await orInternalError(
      this.repository.rows([target, callerId]),
      'lookup failed',
      this.logger,
    );
    const row = rows.get(target);
    if (!row) throw notFound('workspace not found');
    const name = row.name ?? '';

    if (row.runtime === 'external' && row.url) {
      const callerRuntime = rows.get(callerId)?.runtime ?? 'langgraph';
      // A containerised caller reaches an agent on the host through host.docker.internal.
      const url = callerRuntime === 'external' ? row.url : toDockerHost(row.url);
      const verdict = await this.urlGuard.checkOutboundUrl(url);
      if (!verdict.ok) {
        this.logger.warn(
          { workspaceId: target, reason: verdict.reason },
          'discovered URL failed the outbound guard',
        );
        throw serviceUnavailable('workspace URL failed safety check');
      }
      return { id: target, url, name };
    }
    if (row.status === 'online' || row.status === 'degraded') {
      return { id: target, url: row.internal_url || `http://ws-${target.slice(0, 12)}:8000`, name };
    }
    throw serviceUnavailable('workspace not available', { status: row.status ?? '' });
  }

  async peers(
    id: string,
    query: string | undefined,
    req: Request,
  ): Promise<Record<string, unknown>[]> {
    await this.auth.authenticate(id, req);
    const parentId = await orInternalError(
      this.repository.parentOf(id),
      'lookup failed',
      this.logger,
    );
    if (parentId === undefined) throw notFound('workspace not found');
    const peers = await orInternalError(
      this.repository.peers(id, parentId),
      'lookup failed',
      this.logger,
    );
    const q = query?.trim().toLowerCase() ?? '';
    return peers
      .filter(
        (p) =>
          q === '' || p.name.toLowerCase().includes(q) || (p.role ?? '').toLowerCase().includes(q),
      )
      .map(toPeerView);
  }

  async checkAccess(callerId: string, targetId: string): Promise<{ allowed: boolean }> {
    return { allowed: await this.access.canCommunicate(callerId, targetId) };
  }
}

/** The reference's plain substring rewrite: first `127.0.0.1`, then first `localhost`. */
export function toDockerHost(url: string): string {
  return url
    .replace('127.0.0.1', 'host.docker.internal')
    .replace('localhost', 'host.docker.internal');
}
