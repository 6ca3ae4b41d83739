import { JsonRpcRequest } from './envelope';
import { ProxyTarget } from './proxy-target.repository';

export interface ProxyRequest {
  /** Canonical UUID of the workspace whose agent receives the message. */
  readonly targetId: string;
  /** `''` for the canvas; a workspace id for agents; `system:*` etc. for internal callers. */
  readonly callerId: string;
  /** The request's JSON text (HTTP, checked by `jsonText`) or an already-built body (internal callers). */
  readonly body: string | Record<string, unknown>;
  /**
   * Log a dispatch that never got an answer (spec 03 §2.13). The queue drainer says no: it
   * retries a message up to five times, and the canvas should not show each try as an error.
   */
  readonly logFailures: boolean;
  /**
   * Log an answered dispatch (default true). Platform messages that are not conversation —
   * the restart-context notice — leave no activity row (spec 03 §2.13).
   */
  readonly logDelivery?: boolean;
  /** A bound on the whole dispatch (X-Timeout); replaces the 30-minute ceiling. */
  readonly timeoutMs?: number;
  /** Park the message in `a2a_queue` when the target is busy (the queue drainer says no). */
  readonly enqueueWhenBusy: boolean;
}

/** One message on its way to an agent: who sent it where, and what exactly is forwarded. */
export interface Dispatch {
  readonly req: ProxyRequest;
  readonly target: ProxyTarget;
  readonly request: JsonRpcRequest;
  readonly method: string;
  /** Clock milliseconds when forwarding began. */
  readonly startedAt: number;
}
