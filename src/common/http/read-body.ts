import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { badRequest, payloadTooLarge } from './api-error';

/** Default cap for JSON request bodies (agent cards and bundles stay far below it). */
export const DEFAULT_JSON_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Reads the whole request body, refusing (413) anything larger than `limit` bytes and (400)
 * a transfer that breaks off.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(req, { limit });
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') {
      throw payloadTooLarge(`request body exceeds the ${formatBytes(limit)} limit`);
    }
    // Aborted or malformed transfers (bad encoding, length mismatch).
    throw badRequest('failed to read request body');
  }
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
