import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RequestHandler } from 'express';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../clock/clock';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { corsMiddleware } from './cors.middleware';
import { httpMetricsMiddleware } from './http-metrics.middleware';
import { refuseNulInUrl } from './nul-in-url.middleware';
import { rateLimitMiddleware } from './rate-limit.middleware';
import { securityHeaders } from './security-headers.middleware';
import { tenantGuardMiddleware } from './tenant-guard.middleware';
import { websocketConnectionsGauge } from './websocket-connections.gauge';

/**
 * Installs the reference's global chain, outermost first. Metrics sits inside the limiter (429s
 * are not counted) and outside the tenant guard (its 404s are). Security headers come first, so
 * every response carries them — CORS refusals, 429s and tenant-guard 404s too (in the reference
 * they sat behind the guard). Must run before `init()`, so the chain precedes every route.
 */
export function applyGlobalMiddleware(app: NestExpressApplication): void {
  const config = app.get(AppConfig);
  const metrics = app.get(MetricsRegistry);
  // Registered up front so the series reads 0 before the first WebSocket connects.
  websocketConnectionsGauge(metrics);
  app.use(inOneLayer(securityHeaders, corsMiddleware(config)));
  app.use(rateLimitMiddleware(config, app.get(Clock)));
  app.use(httpMetricsMiddleware(metrics));
  app.use(tenantGuardMiddleware(config));
  app.use(refuseNulInUrl);
}

/**
 * Synchronous steps run as one router layer: Express allocates per layer on every request
 * (~0.8 KiB measured on `GET /health`), which the hot paths need not pay for setting headers.
 */
function inOneLayer(first: RequestHandler, then: RequestHandler): RequestHandler {
  return (req, res, next) =>
    first(req, res, (err?: unknown) => (err ? next(err) : then(req, res, next)));
}
