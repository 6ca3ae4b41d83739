import { ArgumentsHost, Logger, NotFoundException } from '@nestjs/common';
import { DatabaseOutage } from '../../database/database-outage';
import { ApiExceptionFilter } from './api-exception.filter';
import { badGateway, internalError, notFound } from './api-error';

const PLATFORM_UNAVAILABLE = {
  error: 'platform datastore unavailable — retry shortly',
  code: 'platform_unavailable',
};

/** What the filter answered: status and JSON body. */
function answer(exception: unknown): { status: number; body: unknown } {
  const sent: { status: number; body: unknown } = { status: 0, body: undefined };
  const res = {
    headersSent: false,
    set: () => res,
    status: (s: number) => ((sent.status = s), res),
    json: (b: unknown) => ((sent.body = b), res),
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => res }),
  } as unknown as ArgumentsHost;
  new ApiExceptionFilter().catch(exception, host);
  return sent;
}

describe('ApiExceptionFilter', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  const outage = Object.assign(new Error('Connection terminated unexpectedly'), {});

  it('answers contract errors as they are, and anything else as a canned 500', () => {
    expect(answer(notFound('workspace not found'))).toEqual({
      status: 404,
      body: { error: 'workspace not found' },
    });
    expect(answer(new NotFoundException())).toEqual({ status: 404, body: { error: 'not found' } });
    expect(answer(new Error('relation "x" does not exist'))).toEqual({
      status: 500,
      body: { error: 'internal error' },
    });
  });

  it('a 500 of a request that met the database unreachable is the contract 503', () => {
    DatabaseOutage.scope(() => {
      DatabaseOutage.note(outage);
      expect(answer(internalError('failed to update'))).toEqual({
        status: 503,
        body: PLATFORM_UNAVAILABLE,
      });
      expect(answer(new Error('boom'))).toEqual({ status: 503, body: PLATFORM_UNAVAILABLE });
      // Not a datastore failure of this route: answered as it is.
      expect(answer(notFound('workspace not found')).status).toBe(404);
      expect(answer(badGateway('failed to reach workspace agent')).status).toBe(502);
    });
  });

  it('a 500 without an outage stays a 500', () => {
    DatabaseOutage.scope(() => {
      expect(answer(internalError('failed to update'))).toEqual({
        status: 500,
        body: { error: 'failed to update' },
      });
    });
  });
});
