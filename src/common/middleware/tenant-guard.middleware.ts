import type { RequestHandler } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import { AppConfig } from '../../config/app-config';
import { isSameOriginCanvas } from '../auth/canvas-origin';
import { isApiDocsPath } from '../openapi/docs-paths';

/**
 * Exact paths (not prefixes) that serve every caller: probes and the workspace runtime. The API
 * docs are open too: they describe the server, not a tenant.
 */
const OPEN_PATHS = new Set([
  '/health',
  '/ready',
  '/metrics',
  '/registry/register',
  '/registry/heartbeat',
]);

/**
 * SaaS multi-tenancy: with MOLECULE_ORG_ID set, a request must prove it is meant for this org.
 * Anything else gets a bare 404 (not 403), so a wrong-tenant caller learns nothing.
 */
export function tenantGuardMiddleware(config: AppConfig): RequestHandler {
  const orgId = config.orgId;
  if (orgId === '') return (_req, _res, next) => next();
  return (req, res, next) => {
    if (isOpenPath(req.path) || isForTenant(config, req.headers)) return next();
    res.status(404).end();
  };
}

/**
 * Whether a request is meant for this tenant (always true outside SaaS mode). Shared with the
 * WebSocket handshake, which Express middleware never sees.
 */
export function isForTenant(config: AppConfig, headers: IncomingHttpHeaders): boolean {
  const orgId = config.orgId;
  if (orgId === '') return true;
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return (
    header('x-molecule-org-id') === orgId ||
    flyReplayState(header('fly-replay-src')) === orgId ||
    isSameOriginCanvas(config, headers)
  );
}

function isOpenPath(path: string): boolean {
  return OPEN_PATHS.has(path) || path.startsWith('/cp/') || isApiDocsPath(path);
}

/** The `state=` segment of Fly's `Fly-Replay-Src` (`;`-separated, any order); '' when absent. */
export function flyReplayState(header: string | undefined): string {
  for (const segment of (header ?? '').split(';')) {
    const eq = segment.indexOf('=');
    if (eq >= 0 && segment.slice(0, eq).trim() === 'state') return segment.slice(eq + 1).trim();
  }
  return '';
}
