import type { Request, RequestHandler, Response } from 'express';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../clock/clock';
import { FixedWindowLimiter, RateLimitDecision } from './fixed-window-limiter';

const MINUTE_MS = 60_000;

/**
 * The global per-IP limiter: RATE_LIMIT requests per minute. Dev mode (no ADMIN_TOKEN) bypasses
 * it entirely. /health and /metrics are deliberately not exempt, as in the reference.
 */
export function rateLimitMiddleware(config: AppConfig, clock: Clock): RequestHandler {
  if (config.devModeFailOpen) {
    return (_req, res, next) => {
      res.setHeader('X-RateLimit-Limit', 'unlimited');
      next();
    };
  }
  return limitByClientIp(new FixedWindowLimiter(config.rateLimitPerMinute, MINUTE_MS, clock));
}

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
