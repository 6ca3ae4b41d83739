import { Injectable } from '@nestjs/common';
import { Listeners } from '../../common/hooks/listeners';

/** A heartbeat of a known workspace, as higher layers see it. */
export interface HeartbeatSignal {
  readonly workspaceId: string;
  readonly activeTasks: number;
  readonly maxConcurrentTasks: number;
  /** The workspace's A2A queue held messages, waiting or in flight, when the heartbeat was written. */
  readonly queued: boolean;
}

/** Heartbeats, for higher layers (the A2A queue drains on them). */
@Injectable()
export class HeartbeatHooks extends Listeners<[HeartbeatSignal]> {
  constructor() {
    super(HeartbeatHooks.name);
  }
}
