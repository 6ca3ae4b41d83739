import type { NextFunction, Request, Response } from 'express';

const FIXED_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

export const API_CSP = "default-src 'self'";
/** The canvas (served through the proxy on non-API paths) needs inline scripts/styles and ws:. */
export const CANVAS_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; connect-src 'self' ws: wss:; font-src 'self' data:";

/**
 * The reference's table, plus the API roots it lacks (`/instructions`, `/ready`): a JSON route
 * of this server never gets the canvas policy. `/canvas/*` stays the canvas's, as pinned.
 */
const API_PREFIXES = [
  '/workspaces',
  '/registry',
  '/health',
  '/ready',
  '/admin',
  '/metrics',
  '/settings',
  '/bundles',
  '/org',
  '/orgs',
  '/templates',
  '/plugins',
  '/webhooks',
  '/channels',
  '/ws',
  '/events',
  '/approvals',
  '/instructions',
];

/** A prefix matches whole segments only: `/workspacesX` and `/healthcheck` are not API paths. */
export function isApiPath(path: string): boolean {
  return API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** Set before the handler runs, so a handler may still override any of them. */
export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  for (const [name, value] of Object.entries(FIXED_HEADERS)) res.setHeader(name, value);
  res.setHeader('Content-Security-Policy', isApiPath(req.path) ? API_CSP : CANVAS_CSP);
  next();
}
