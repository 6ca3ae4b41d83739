import type { IncomingHttpHeaders } from 'node:http';
import { AppConfig, DEFAULT_CORS_ORIGINS } from '../../config/app-config';

/**
 * Same-origin canvas (combined tenant image): the browser loaded the canvas from this very
 * host. Trusted only when CANVAS_PROXY_URL was set at start-up. The Referer must be the host
 * itself or a path under it — the trailing-slash check keeps `<host>.evil.com` out.
 */
export function isSameOriginCanvas(config: AppConfig, headers: IncomingHttpHeaders): boolean {
  if (!config.sameOriginCanvasEnabled) return false;
  const host = headers.host ?? '';
  if (host === '') return false;
  const referer = headerValue(headers.referer);
  for (const scheme of ['http', 'https']) {
    const origin = `${scheme}://${host}`;
    if (referer === origin || referer.startsWith(`${origin}/`)) return true;
  }
  const origin = headerValue(headers.origin);
  return origin === `http://${host}` || origin === `https://${host}`;
}

/**
 * The canvas origin allow-list used by CanvasOrBearer: the localhost defaults are always
 * kept, plus every CORS_ORIGINS entry. An empty Origin never matches.
 */
export function isAllowedCanvasOrigin(config: AppConfig, origin: string | undefined): boolean {
  if (!origin) return false;
  return DEFAULT_CORS_ORIGINS.includes(origin) || config.corsOrigins.includes(origin);
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}
