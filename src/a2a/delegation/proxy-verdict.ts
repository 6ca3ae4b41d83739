import { isObject, responseText } from '../proxy/envelope';
import { ProxyResult } from '../proxy/proxy-result';
import { parseJsonOrNull } from '../proxy/response-reader';

/** What one proxied delivery of a delegation came to. */
export type ProxyVerdict =
  | { readonly kind: 'completed'; readonly text: string }
  | { readonly kind: 'queued' }
  | { readonly kind: 'failed'; readonly error: string; readonly transient: boolean };

/** The error of a failure without a usable `error` string (reference wording). */
export const UNKNOWN_PROXY_ERROR = 'proxy a2a error';

/**
 * Reads a proxy result the way the delegation worker needs it (spec 03 §4.3): any status of
 * 300 and above is a failure carrying the proxy's `error`; a 202 `{"queued": true}` means the
 * target was busy and the message waits in the queue; anything else is the agent's answer.
 * A streamed reply (too large to hold) counts as delivered with no text.
 */
export function proxyVerdict(result: ProxyResult): ProxyVerdict {
  if (result.kind === 'stream') return { kind: 'completed', text: '' };
  if (result.status >= 300) {
    return {
      kind: 'failed',
      error: proxyError(result.body),
      transient: isTransientProxyError(result.status, result.body),
    };
  }
  if (result.status === 202 && isQueuedProxyResponse(result.body)) return { kind: 'queued' };
  return { kind: 'completed', text: responseText(result.body.toString('utf8')) };
}

/**
 * Worth one more try after a pause: the agent could not be reached (502) or its container is
 * being restarted (503 `restarting`). Unlike the reference, a 502 whose message did reach the
 * agent (`delivery_confirmed: true`) is not retried — that would send the task twice.
 */
export function isTransientProxyError(status: number, body: Buffer | string): boolean {
  const parsed = jsonObject(body);
  if (status === 502) return parsed?.delivery_confirmed !== true;
  return status === 503 && parsed?.restarting === true;
}

/** The proxy's busy-queue answer: a JSON object whose `queued` is the boolean `true`. */
export function isQueuedProxyResponse(body: Buffer | string): boolean {
  return jsonObject(body)?.queued === true;
}

function proxyError(body: Buffer): string {
  const error = jsonObject(body)?.error;
  return typeof error === 'string' && error !== '' ? error : UNKNOWN_PROXY_ERROR;
}

function jsonObject(body: Buffer | string): Record<string, unknown> | undefined {
  const parsed = parseJsonOrNull(Buffer.isBuffer(body) ? body : Buffer.from(body));
  return isObject(parsed) ? parsed : undefined;
}
