import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ShutdownSignal } from './shutdown-signal';

/**
 * Work a request or a hook starts and nobody awaits (a delegation, a queue drain, the activity
 * row of a proxied call): tracked so a graceful shutdown lets it finish — up to the shutdown
 * deadline — before the database pool closes under it.
 */
@Injectable()
export class BackgroundWork implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BackgroundWork.name);
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly config: AppConfig,
    private readonly shutdown: ShutdownSignal,
  ) {}

  /** Keeps `work` among what shutdown waits for; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const settled = () => this.pending.delete(work);
    work.then(settled, settled);
    return work;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Waits for tracked work (including work it starts meanwhile) until the shutdown deadline. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.pending.size === 0) return;
    const waiting = this.pending.size;
    if (await this.shutdown.waitFor(this.allSettled())) {
      this.logger.log({ finished: waiting }, 'background work finished before shutdown');
    } else {
      this.logger.warn({ unfinished: this.pending.size }, 'shutdown deadline: work cut off');
    }
  }

  /** Until nothing is tracked, work started by tracked work included. */
  private async allSettled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
