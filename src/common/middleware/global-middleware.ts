import type { NestExpressApplication } from '@nestjs/platform-express';
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
 * are not counted) and outside the tenant guard (its 404s are). Must run before `init()`, so the
 * chain precedes every route.
 */
export function applyGlobalMiddleware(app: NestExpressApplication): void {
  const config = app.get(AppConfig);
  const metrics = app.get(MetricsRegistry);
  // Registered up front so the series reads 0 before the first WebSocket connects.
  websocketConnectionsGauge(metrics);
  app.use(corsMiddleware(config));
  app.use(rateLimitMiddleware(config, app.get(Clock)));
  app.use(httpMetricsMiddleware(metrics));
  app.use(tenantGuardMiddleware(config));
  app.use(securityHeaders);
  app.use(refuseNulInUrl);
}
