import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Clock } from '../../common/clock/clock';
import { tooManyRequests } from '../../common/http/api-error';
import { FixedWindowLimiter } from '../../common/middleware/fixed-window-limiter';
import { clientIp, setRateLimitHeaders } from '../../common/middleware/rate-limit.middleware';

const MINTS_PER_WINDOW = 10;
const WINDOW_MS = 60 * 60_000;

/**
 * At most 10 org-token mints per client IP per hour, on top of the global limiter: a leaked
 * admin credential cannot mint tokens in bulk. Runs after AdminAuth, so unauthenticated
 * attempts do not spend the budget. Same response shape as the global limiter: its own
 * X-RateLimit-* triplet on every mint, the same 429.
 */
@Injectable()
export class OrgTokenMintLimitGuard implements CanActivate {
  private readonly limiter: FixedWindowLimiter;

  constructor(clock: Clock) {
    this.limiter = new FixedWindowLimiter(MINTS_PER_WINDOW, WINDOW_MS, clock);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const decision = this.limiter.take(clientIp(http.getRequest<Request>()));
    setRateLimitHeaders(http.getResponse<Response>(), decision);
    if (decision.allowed) return true;
    const retryAfter = decision.resetSeconds;
    throw tooManyRequests(
      'rate limit exceeded',
      { retry_after: retryAfter },
      { 'Retry-After': String(retryAfter) },
    );
  }
}
