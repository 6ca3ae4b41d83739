import { proxyVerdict } from '../../a2a/delegation/proxy-verdict';
import { ProxyResult } from '../../a2a/proxy/proxy-result';

/**
 * `last_status` values (spec 05 §1.1). `queued` is ours (decided): the agent was busy and the
 * message waits in `a2a_queue`; the reference recorded that as `ok`.
 */
export type RunStatus = 'ok' | 'error' | 'queued' | 'stale' | 'skipped';

/** What one fire came to, before the empty-reply rule is applied. */
export type FireOutcome =
  | { readonly status: 'ok'; readonly error: ''; readonly emptyReply: boolean }
  | { readonly status: 'queued' | 'error'; readonly error: string };

/** Empty replies this many times in a row mark the schedule `stale`. */
export const STALE_AFTER_EMPTY_RUNS = 3;

/**
 * Reads the proxy's answer (spec 05 §3.5.3): any status of 300 or more is an `error` carrying
 * the proxy's `error` string (`proxy a2a error` without one); a 202 `{"queued": true}` is
 * `queued`; anything else is the agent's reply, `ok`, and may be empty.
 */
export function classifyFire(result: ProxyResult): FireOutcome {
  const verdict = proxyVerdict(result);
  switch (verdict.kind) {
    case 'failed':
      return { status: 'error', error: verdict.error };
    case 'queued':
      return { status: 'queued', error: '' };
    case 'completed':
      return {
        status: 'ok',
        error: '',
        // A reply too large to hold was certainly not empty.
        emptyReply: result.kind === 'json' && isEmptyReply(result.body),
      };
  }
}

const EMPTY_MARKERS = ['(no response generated)', '"text":""', '"text": ""'];

/**
 * The reference's phantom-reply detector (§3.5.5), a substring test on the raw reply: no bytes,
 * the runtime's "(no response generated)" placeholder, or any empty text part.
 */
export function isEmptyReply(body: Buffer): boolean {
  if (body.length === 0) return true;
  const text = body.toString('utf8');
  return EMPTY_MARKERS.some((marker) => text.includes(marker));
}

export function staleError(emptyRuns: number): string {
  return `empty response ${emptyRuns} consecutive times — agent may be phantom-producing (#795)`;
}

export function skippedReason(activeTasks: number): string {
  return `skipped: workspace busy (active_tasks=${activeTasks})`;
}
