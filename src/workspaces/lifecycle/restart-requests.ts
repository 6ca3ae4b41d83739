import { Injectable, Logger } from '@nestjs/common';

export type RestartListener = (
  workspaceIds: readonly string[],
  reason: string,
) => void | Promise<void>;

/**
 * Asks for workspaces to be restarted after a change they must pick up (secrets, model).
 * The provisioning layer subscribes; until one does, requests are dropped. Requests are
 * fire-and-forget: a failing listener is logged and never reaches the caller.
 */
@Injectable()
export class RestartRequests {
  private readonly logger = new Logger(RestartRequests.name);
  private readonly listeners = new Set<RestartListener>();

  /** Subscribes `listener`; returns the unsubscribe function. */
  onRequest(listener: RestartListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  request(workspaceIds: readonly string[], reason: string): void {
    if (workspaceIds.length === 0) return;
    for (const listener of this.listeners) {
      try {
        Promise.resolve(listener(workspaceIds, reason)).catch((err: unknown) => this.failed(err));
      } catch (err) {
        this.failed(err);
      }
    }
  }

  private failed(err: unknown): void {
    this.logger.error({ err }, 'restart request listener failed');
  }
}
