import { ExecutionContext } from '@nestjs/common';
import { Clock, TimerHandle } from '../../common/clock/clock';
import { ApiError } from '../../common/http/api-error';
import { OrgTokenMintLimitGuard } from './org-token-mint-limit.guard';

class ManualClock extends Clock {
  ms = Date.UTC(2026, 0, 1);
  now(): Date {
    return new Date(this.ms);
  }
  setTimeout(): TimerHandle {
    throw new Error('the limiter must not arm timers');
  }
}

const from = (remoteAddress: string, headers: Record<string, string> = {}) =>
  ({
    switchToHttp: () => ({
      getRequest: () => ({ socket: { remoteAddress } }),
      getResponse: () => ({ setHeader: (name: string, value: string) => (headers[name] = value) }),
    }),
  }) as unknown as ExecutionContext;

function refusal(guard: OrgTokenMintLimitGuard, ip: string) {
  try {
    guard.canActivate(from(ip));
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    const { status, body, headers } = error as ApiError;
    return { status, body, headers };
  }
  throw new Error('expected a 429');
}

describe('OrgTokenMintLimitGuard', () => {
  let clock: ManualClock;
  let guard: OrgTokenMintLimitGuard;

  beforeEach(() => {
    clock = new ManualClock();
    guard = new OrgTokenMintLimitGuard(clock);
  });

  it('allows 10 mints per IP per hour, then answers the global limiter’s 429', () => {
    for (let i = 0; i < 10; i++) expect(guard.canActivate(from('10.0.0.1'))).toBe(true);
    clock.ms += 15 * 60_000;
    expect(refusal(guard, '10.0.0.1')).toEqual({
      status: 429,
      body: { error: 'rate limit exceeded', retry_after: 2700 },
      headers: { 'Retry-After': '2700' },
    });
  });

  it('puts its own X-RateLimit-* triplet on each mint', () => {
    const headers: Record<string, string> = {};
    guard.canActivate(from('10.0.0.3', headers));
    expect(headers).toEqual({
      'X-RateLimit-Limit': '10',
      'X-RateLimit-Remaining': '9',
      'X-RateLimit-Reset': '3600',
    });
  });

  it('keeps a separate budget per IP', () => {
    for (let i = 0; i < 10; i++) guard.canActivate(from('10.0.0.1'));
    expect(guard.canActivate(from('10.0.0.2'))).toBe(true);
  });

  it('opens again when the hour is over', () => {
    for (let i = 0; i < 10; i++) guard.canActivate(from('10.0.0.1'));
    clock.ms += 60 * 60_000;
    expect(guard.canActivate(from('10.0.0.1'))).toBe(true);
  });
});
