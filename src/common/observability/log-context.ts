import { Inject, Injectable } from '@nestjs/common';
// nestjs-pino keeps each request's child logger in this AsyncLocalStorage; every `Logger` call
// made while it is set (in the request, or in promises the request started) writes through it.
import { storage, Store } from 'nestjs-pino/storage';
import type { Logger } from 'pino';
import { HTTP_LOGGER, HttpLogger } from './http-logger';

/**
 * The request id carried by log lines. Work a request starts and awaits nothing of (a detached
 * promise) keeps the request's id by itself; work handed over to a loop (a provision the
 * reconciler runs, a restart) loses it, so the hand-over records `currentRequestId()` and the
 * loop runs the work under `run(id, …)`. Background work no request started (a schedule's
 * fire) gets an id of its own the same way.
 */
@Injectable()
export class LogContext {
  private readonly root: Logger;

  constructor(@Inject(HTTP_LOGGER) http: HttpLogger) {
    this.root = http.logger;
  }

  /** The id of the request this code runs for, if any (read when work is handed over). */
  currentRequestId(): string | undefined {
    const req: unknown = storage.getStore()?.logger.bindings().req;
    const id = typeof req === 'object' && req !== null ? (req as { id?: unknown }).id : undefined;
    return typeof id === 'string' ? id : undefined;
  }

  /**
   * Runs `work` with every log line it writes tagged `req.id` — the key the request's own lines
   * carry it under; with no id, untagged — never with the id of whatever request happened to
   * be running when the work was started.
   */
  run<T>(requestId: string | undefined, work: () => T): T {
    if (!requestId) return storage.exit(work);
    return storage.run(new Store(this.root.child({ req: { id: requestId } })), work);
  }
}
