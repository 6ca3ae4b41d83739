import type { RequestHandler } from 'express';
import { AppConfig, DEFAULT_CORS_ORIGINS } from '../../config/app-config';

const ALLOWED_METHODS = 'GET,POST,PUT,PATCH,DELETE,OPTIONS';
// Beyond the reference's four: the canvas sends X-Molecule-Org-Slug, and A2A callers X-Timeout.
const ALLOWED_HEADERS =
  'Origin,Content-Type,X-Workspace-ID,Authorization,X-Molecule-Org-Slug,X-Timeout';
// A cross-origin canvas can only honour Retry-After on a 429 if it may read it.
const EXPOSED_HEADERS = 'Retry-After,X-RateLimit-Limit,X-RateLimit-Remaining,X-RateLimit-Reset';

/**
 * Credentialed CORS for the canvas: the origin is echoed only when allow-listed (CORS_ORIGINS
 * replaces the localhost defaults). Like the reference's gin-contrib/cors, a request from any
 * other foreign origin is refused with an empty 403 before it reaches a handler.
 */
export function corsMiddleware(config: AppConfig): RequestHandler {
  const originVerdict = corsOriginVerdict(config);
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.headers.origin;
    const verdict = originVerdict(origin, req.headers.host);
    if (!origin || verdict === 'not-cross-origin') return next();
    if (verdict === 'refused') {
      res.status(403).end();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.status(204).end();
      return;
    }
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    next();
  };
}

export type OriginVerdict = 'not-cross-origin' | 'allowed' | 'refused';

/**
 * How the CORS layer treats a request's `Origin`. Browsers send Origin on same-origin writes
 * too; those, and requests without one, are not cross-origin. Also asked at the WebSocket
 * upgrade, which never passes through Express middleware but sat behind CORS in the reference.
 */
export function corsOriginVerdict(
  config: AppConfig,
): (origin: string | undefined, host: string | undefined) => OriginVerdict {
  const allowed = new Set(config.corsOriginsSet ? config.corsOrigins : DEFAULT_CORS_ORIGINS);
  return (origin, host) => {
    if (!origin || isSameHost(origin, host)) return 'not-cross-origin';
    return allowed.has(origin) ? 'allowed' : 'refused';
  };
}

function isSameHost(origin: string, host: string | undefined): boolean {
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}
