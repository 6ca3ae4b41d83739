import { Injectable, Logger } from '@nestjs/common';
import { BusEvent } from './event-envelope';

export type BusListener = (event: BusEvent) => void;
export type Unsubscribe = () => void;

/**
 * In-process fan-out of live events to this replica's subscribers: the WebSocket hub
 * (everything), SSE streams and A2A idle timers (one workspace each). Per-workspace
 * listeners are indexed so a delivery costs nothing for unrelated workspaces.
 */
@Injectable()
export class EventBus {
  private readonly logger = new Logger(EventBus.name);
  private readonly everything = new Set<BusListener>();
  private readonly byWorkspace = new Map<string, Set<BusListener>>();

  subscribeAll(listener: BusListener): Unsubscribe {
    this.everything.add(listener);
    return () => this.everything.delete(listener);
  }

  subscribeWorkspace(workspaceId: string, listener: BusListener): Unsubscribe {
    let listeners = this.byWorkspace.get(workspaceId);
    if (!listeners) {
      listeners = new Set();
      this.byWorkspace.set(workspaceId, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.byWorkspace.get(workspaceId) === listeners)
        this.byWorkspace.delete(workspaceId);
    };
  }

  deliver(event: BusEvent): void {
    for (const listener of this.everything) this.safely(listener, event);
    const scoped = this.byWorkspace.get(event.envelope.workspace_id);
    if (scoped) for (const listener of scoped) this.safely(listener, event);
  }

  private safely(listener: BusListener, event: BusEvent): void {
    try {
      listener(event);
    } catch (err) {
      this.logger.error({ err, event: event.envelope.event }, 'event listener failed');
    }
  }
}
