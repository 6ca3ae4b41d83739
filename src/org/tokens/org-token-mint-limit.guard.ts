import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Clock } from '../../common/clock/clock';
import { tooManyRequests } from '../../common/http/api-error';
import { WindowLimiter } from './window-limiter';

const MINTS_PER_WINDOW = 10;
const WINDOW_MS = 60 * 60_000;

/**
 * At most 10 org-token mints per client IP per hour, on top of the global limiter: a leaked
 * admin credential cannot mint tokens in bulk. Runs after AdminAuth, so unauthenticated
 * attempts do not spend the budget. Same 429 as the global limiter.
 */
@Injectable()
export class OrgTokenMintLimitGuard implements CanActivate {
  private readonly limiter: WindowLimiter;

  constructor(clock: Clock) {
    this.limiter = new WindowLimiter(MINTS_PER_WINDOW, WINDOW_MS, clock);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    // The TCP peer: no proxy is trusted, as in the global limiter.
    const decision = this.limiter.take(req.socket.remoteAddress ?? '');
    if (decision.allowed) return true;
    const retryAfter = decision.resetSeconds;
    throw tooManyRequests(
      'rate limit exceeded',
      { retry_after: retryAfter },
      { 'Retry-After': String(retryAfter) },
    );
  }
}
