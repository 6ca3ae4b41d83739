import type { Request, RequestHandler, Response } from 'express';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../clock/clock';
import { FixedWindowLimiter, RateLimitDecision } from './fixed-window-limiter';

const MINUTE_MS = 60_000;

/**
 * Probes are never limited, nor charged to their address: a load balancer or Prometheus
 * polling from one address must neither be refused nor spend the budget of the clients behind
 * that address. The reference meant to exempt /health and /metrics and did not. Exact paths,
 * as the tenant guard's allow-list: `/health/` is an ordinary, limited request.
 */
export const UNLIMITED_PATHS: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);

/**
 * The global per-IP limiter: RATE_LIMIT requests per minute. Dev mode (no ADMIN_TOKEN) bypasses
 * it entirely; so do the probe paths. Either way the response says `X-RateLimit-Limit: unlimited`.
 */
export function rateLimitMiddleware(config: AppConfig, clock: Clock): RequestHandler {
  if (config.devModeFailOpen) return unlimited;
  const limited = limitByClientIp(
    new FixedWindowLimiter(config.rateLimitPerMinute, MINUTE_MS, clock),
  );
  return (req, res, next) =>
    UNLIMITED_PATHS.has(req.path) ? unlimited(req, res, next) : limited(req, res, next);
}

const unlimited: RequestHandler = (_req, res, next) => {
  res.setHeader('X-RateLimit-Limit', 'unlimited');
  next();
};

/**
 * Charges each request to its client IP. Every response carries the X-RateLimit-* triplet; an
 * exhausted budget answers 429 with Retry-After. Reusable for narrower per-route limits.
 */
export function limitByClientIp(limiter: FixedWindowLimiter): RequestHandler {
  return (req, res, next) => {
    const decision = limiter.take(clientIp(req));
    setRateLimitHeaders(res, decision);
    if (decision.allowed) return next();
    res.setHeader('Retry-After', String(decision.resetSeconds));
    res.status(429).json({ error: 'rate limit exceeded', retry_after: decision.resetSeconds });
  };
}

/** The X-RateLimit-* triplet; a narrower limiter later in the chain overwrites the global one's. */
export function setRateLimitHeaders(res: Response, decision: RateLimitDecision): void {
  res.setHeader('X-RateLimit-Limit', String(decision.limit));
  res.setHeader('X-RateLimit-Remaining', String(decision.remaining));
  res.setHeader('X-RateLimit-Reset', String(decision.resetSeconds));
}

/** The TCP peer: no proxy is trusted, so X-Forwarded-For can never pick the bucket. */
export function clientIp(req: Request): string {
  return req.socket.remoteAddress ?? '';
}
