import { Injectable, Logger } from '@nestjs/common';

/** A heartbeat of a known workspace, as higher layers see it. */
export interface HeartbeatSignal {
  readonly workspaceId: string;
  readonly activeTasks: number;
  readonly maxConcurrentTasks: number;
}

export type HeartbeatListener = (signal: HeartbeatSignal) => void | Promise<void>;

/**
 * Lets higher layers react to heartbeats without the registry importing them (the A2A queue
 * drains on them). Listeners run detached from the heartbeat request; their failures are
 * logged and never reach the runtime.
 */
@Injectable()
export class HeartbeatHooks {
  private readonly logger = new Logger(HeartbeatHooks.name);
  private readonly listeners: HeartbeatListener[] = [];

  onHeartbeat(listener: HeartbeatListener): void {
    this.listeners.push(listener);
  }

  emit(signal: HeartbeatSignal): void {
    for (const listener of this.listeners) {
      Promise.resolve()
        .then(() => listener(signal))
        .catch((err) =>
          this.logger.error({ err, workspaceId: signal.workspaceId }, 'heartbeat listener failed'),
        );
    }
  }
}
