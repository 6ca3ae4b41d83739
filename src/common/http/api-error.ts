/** The wire shape of every failure: `{"error": "..."}` plus route-specific extra fields. */
export interface ErrorBody {
  readonly error: string;
  readonly [extra: string]: unknown;
}

/**
 * A failure with a status the client should see. Its message is a contract string (clients
 * match on some of them); internal detail never goes in here — log it instead.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(body.error);
  }

  /** A non-standard body (e.g. the 404 of `/state` carries no `error`). */
  static raw(status: number, body: Record<string, unknown>): ApiError {
    return new ApiError(status, body as unknown as ErrorBody);
  }
}

const make =
  (status: number) =>
  (
    error: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): ApiError =>
    new ApiError(status, { error, ...extra }, headers);

export const badRequest = make(400);
export const unauthorized = make(401);
export const paymentRequired = make(402);
export const forbidden = make(403);
export const notFound = make(404);
export const conflict = make(409);
export const payloadTooLarge = make(413);
export const tooManyRequests = make(429);
export const internalError = make(500);
export const notImplemented = make(501);
export const badGateway = make(502);
export const serviceUnavailable = make(503);

/**
 * The datastore could not be reached (spec 01 §2.5): the canvas shows its "platform unreachable"
 * screen on `code: platform_unavailable`. The underlying error text is never included.
 */
export function platformUnavailable(): ApiError {
  return serviceUnavailable('platform datastore unavailable — retry shortly', {
    code: 'platform_unavailable',
  });
}
