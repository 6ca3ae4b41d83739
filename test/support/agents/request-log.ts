import express, { type RequestHandler } from 'express';
import type { IncomingHttpHeaders } from 'node:http';

/** One HTTP request exactly as it reached the agent. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-cased names, as Node parsed them. */
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** The parsed JSON body; undefined when the body is empty or not JSON. */
  readonly body: any;
}

/** Every request an agent received, in arrival order, plus a way to await the next ones. */
export class RequestLog {
  readonly all: RecordedRequest[] = [];
  private waiters: Array<{ count: number; resolve: (all: RecordedRequest[]) => void }> = [];

  add(request: RecordedRequest): void {
    this.all.push(request);
    const ready = this.waiters.filter((w) => this.all.length >= w.count);
    this.waiters = this.waiters.filter((w) => this.all.length < w.count);
    for (const waiter of ready) waiter.resolve(this.all);
  }

  /** Resolves once `count` requests in total have arrived. */
  waitFor(count: number): Promise<RecordedRequest[]> {
    if (this.all.length >= count) return Promise.resolve(this.all);
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /**
   * Reads and records the body, then leaves it parsed on `req.body`: the SDK's own JSON parser
   * skips a request whose stream is already consumed. Non-JSON text is passed on as a string so the
   * SDK reports its own parse error.
   */
  recorder(): RequestHandler[] {
    const record: RequestHandler = (req, _res, next) => {
      const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      const body = parseJson(rawBody);
      this.add({ method: req.method, path: req.originalUrl, headers: req.headers, rawBody, body });
      req.body = body ?? (rawBody === '' ? undefined : rawBody);
      next();
    };
    return [express.raw({ type: () => true, limit: '20mb' }), record];
  }
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
