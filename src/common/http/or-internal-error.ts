import { Logger } from '@nestjs/common';
import { ApiError, internalError } from './api-error';

/**
 * Awaits `work`; a contract error (`ApiError`) passes through, any other failure is logged
 * with its detail and becomes `500 {"error": message}` — internal text never reaches clients.
 */
export async function orInternalError<T>(
  work: Promise<T>,
  message: string,
  logger: Logger,
): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    logger.error({ err }, message);
    throw internalError(message);
  }
}
