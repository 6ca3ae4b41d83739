import { Clock, TimerHandle } from '../../common/clock/clock';
import { EventBus, Unsubscribe } from '../../events/event-bus';

export type DeadlineReason = 'idle' | 'ceiling' | 'timeout';

export interface DeadlineOptions {
  readonly workspaceId: string;
  /** Cancel when nothing is heard about the workspace for this long. */
  readonly idleMs: number;
  /** Absolute bound (agent/system callers: 30 min; X-Timeout when given). */
  readonly totalMs?: number;
  readonly totalReason?: DeadlineReason;
}

/**
 * When a dispatch must give up (spec 03 §2.9). Any event about the target workspace — the
 * 30-second WORKSPACE_HEARTBEAT above all, whichever replica received it — proves the agent
 * is alive and restarts the idle window; so does any byte of the agent's own reply.
 */
export class DispatchDeadline {
  private readonly controller = new AbortController();
  private idleTimer: TimerHandle | undefined;
  private readonly totalTimer: TimerHandle | undefined;
  private readonly unsubscribe: Unsubscribe;
  private firedReason: DeadlineReason | undefined;

  constructor(
    private readonly clock: Clock,
    bus: EventBus,
    private readonly options: DeadlineOptions,
  ) {
    this.unsubscribe = bus.subscribeWorkspace(options.workspaceId, () => this.touch());
    this.armIdle();
    if (options.totalMs !== undefined) {
      this.totalTimer = clock.setTimeout(
        () => this.fire(options.totalReason ?? 'ceiling'),
        options.totalMs,
      );
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the dispatch was cancelled, if it was. */
  get reason(): DeadlineReason | undefined {
    return this.firedReason;
  }

  touch(): void {
    if (this.firedReason) return;
    this.idleTimer?.cancel();
    this.armIdle();
  }

  dispose(): void {
    this.idleTimer?.cancel();
    this.totalTimer?.cancel();
    this.unsubscribe();
  }

  private armIdle(): void {
    this.idleTimer = this.clock.setTimeout(() => this.fire('idle'), this.options.idleMs);
  }

  private fire(reason: DeadlineReason): void {
    if (this.firedReason) return;
    this.firedReason = reason;
    this.dispose();
    this.controller.abort(new Error(`A2A dispatch cancelled: ${reason}`));
  }
}
