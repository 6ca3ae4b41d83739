import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DatabaseOutage } from '../../database/database-outage';
import { ApiError, platformUnavailable } from './api-error';

/**
 * Turns every failure into the reference's error shape. NestJS's default
 * `{statusCode, message}` never reaches a client, and neither does internal error text.
 * A request that failed because the database was unreachable answers the contract's 503
 * `platform_unavailable` rather than its route's canned 500.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      this.logger.warn(
        { err: describe(exception) },
        'error after the response started; closing it',
      );
      res.end();
      return;
    }
    if (isInternalFailure(exception) && DatabaseOutage.seenInThisRequest()) {
      this.logger.warn({ err: describe(exception) }, 'database unreachable; answered 503');
      exception = platformUnavailable();
    }
    if (exception instanceof ApiError) {
      res.set(exception.headers).status(exception.status).json(exception.body);
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      res.status(status).json({ error: status === 404 ? 'not found' : httpReason(status) });
      return;
    }
    this.logger.error({ err: exception }, 'unhandled error');
    res.status(500).json({ error: 'internal error' });
  }
}

/** A 500 of any kind: a route's canned one, or an error nobody caught. */
function isInternalFailure(exception: unknown): boolean {
  if (exception instanceof ApiError || exception instanceof HttpException) {
    const status = exception instanceof ApiError ? exception.status : exception.getStatus();
    return status === 500;
  }
  return true;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Lower-case standard reason phrase, e.g. 405 → "method not allowed". */
function httpReason(status: number): string {
  const reasons: Record<number, string> = {
    400: 'bad request',
    401: 'unauthorized',
    403: 'forbidden',
    405: 'method not allowed',
    413: 'request body too large',
    415: 'unsupported media type',
  };
  return reasons[status] ?? (status >= 500 ? 'internal error' : 'request failed');
}
