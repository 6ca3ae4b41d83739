import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { settlesWithin } from './settles-within';

/**
 * The start of a graceful shutdown, for what must react before the application's own
 * shutdown hooks run: long-lived subscribers (WebSocket clients, SSE streams) are let go so
 * the HTTP server can close, and everything that waits for work in flight waits until the
 * same deadline. `server.ts` begins it on SIGTERM / SIGINT.
 */
@Injectable()
export class ShutdownSignal {
  private readonly controller = new AbortController();
  private deadline: number | undefined;

  constructor(private readonly config: AppConfig) {}

  /** Aborted when the shutdown begins. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get draining(): boolean {
    return this.controller.signal.aborted;
  }

  /** Epoch ms by which work in flight must be done; undefined before the shutdown begins. */
  get deadlineAt(): number | undefined {
    return this.deadline;
  }

  begin(deadlineAt: number): void {
    if (this.draining) return;
    this.deadline = deadlineAt;
    this.controller.abort(new Error('server shutting down'));
  }

  /**
   * Waits for `work` until the shutdown deadline — or for SHUTDOWN_GRACE_SECONDS when the
   * application is closed without a graceful shutdown having begun (tests) — and says whether
   * it finished.
   */
  waitFor(work: Promise<unknown>): Promise<boolean> {
    const ms =
      this.deadline === undefined ? this.config.shutdownGraceMs : this.deadline - Date.now();
    return settlesWithin(work, ms);
  }
}
