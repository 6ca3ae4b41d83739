import type { Request, RequestHandler } from 'express';
import { performance } from 'node:perf_hooks';
import { MetricsRegistry } from '../metrics/metrics-registry';

export const HTTP_REQUESTS_TOTAL = 'molecule_http_requests_total';
export const HTTP_REQUEST_DURATION_SECONDS_TOTAL = 'molecule_http_request_duration_seconds_total';
export const HTTP_REQUEST_DURATION_SECONDS = 'molecule_http_request_duration_seconds';
const LABELS = ['method', 'path', 'status'] as const;

/**
 * Counts every response that gets past the rate limiter, labelled by its route pattern (never
 * the raw URL, which would make one series per workspace id): the reference's two counters
 * (spec 01 §9) and a latency histogram over the same labels.
 * @param nowMs monotonic milliseconds; injectable so tests can pin durations.
 */
export function httpMetricsMiddleware(
  metrics: MetricsRegistry,
  nowMs: () => number = () => performance.now(),
): RequestHandler {
  const requests = metrics.counter(HTTP_REQUESTS_TOTAL, 'HTTP requests served.', LABELS);
  const seconds = metrics.counter(
    HTTP_REQUEST_DURATION_SECONDS_TOTAL,
    'Total seconds spent serving HTTP requests.',
    LABELS,
  );
  const latency = metrics.histogram(
    HTTP_REQUEST_DURATION_SECONDS,
    'HTTP request latency, from the first middleware to the last byte handed to the socket.',
    LABELS,
  );
  return (req, res, next) => {
    const startedMs = nowMs();
    res.on('finish', () => {
      const elapsed = (nowMs() - startedMs) / 1000;
      const labels = {
        method: req.method,
        path: routePattern(req),
        status: String(res.statusCode),
      };
      requests.inc(labels);
      seconds.inc(labels, elapsed);
      latency.observe(labels, elapsed);
    });
    next();
  };
}

/** A root wildcard (`*`, `/{*path}`, …): what Nest mounts app-wide module middleware on. */
const ROOT_WILDCARD = /^\/?\{?\*\w*\}?$/;

/**
 * The pattern of the last route Express dispatched to. Nest mounts app-wide module middleware
 * (the request logger) as a root-wildcard route too, which is all an unmatched request ever hits.
 */
function routePattern(req: Request): string {
  const pattern: unknown = req.route?.path;
  return typeof pattern === 'string' && !ROOT_WILDCARD.test(pattern) ? pattern : 'unmatched';
}
