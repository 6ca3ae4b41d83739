import { RequestConstructionError } from './agent-transport';

/**
 * What a failed forward means (spec 03 §2.11):
 * - `construction`: the request could not be built (500, no activity row);
 * - `busy`: the agent is alive but occupied — our deadline fired, or it hung up mid-exchange
 *   (EOF / connection reset); the message is queued;
 * - `unreachable`: nobody answered (refused, DNS, …): 502.
 */
export type ForwardFailure = 'construction' | 'busy' | 'unreachable';

const BUSY_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

export function classifyForwardError(err: unknown, deadlineFired: boolean): ForwardFailure {
  if (err instanceof RequestConstructionError) return 'construction';
  if (deadlineFired) return 'busy';
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.code ?? e?.cause?.code ?? '';
  if (BUSY_CODES.has(code)) return 'busy';
  const text = `${e?.message ?? ''} ${e?.cause?.message ?? ''}`;
  return /EOF|connection reset|other side closed/i.test(text) ? 'busy' : 'unreachable';
}

/** A one-line description of a transport failure for the activity log (no stack, no secrets). */
export function describeForwardError(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } };
  const cause = e?.cause?.message ? `: ${e.cause.message}` : '';
  return `${e?.message ?? String(err)}${cause}`;
}
