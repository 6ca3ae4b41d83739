import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** How the double answers one call: a status and body, or no answer until it is closed. */
export type Reply =
  | { readonly status: number; readonly body?: string | object; readonly contentType?: string }
  | { readonly hang: true };

/**
 * A control plane on 127.0.0.1 for adapter tests: records every call and answers with the
 * reply set for its route (`METHOD /path`, query excluded), 404 otherwise.
 */
export class ControlPlaneDouble {
  readonly calls: RecordedCall[] = [];
  private readonly replies = new Map<string, Reply>();
  private readonly hanging = new Set<http.ServerResponse>();
  private server?: http.Server;
  url = '';

  reply(route: string, reply: Reply): this {
    this.replies.set(route, reply);
    return this;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.calls.push({
          method: req.method ?? '',
          path,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        const reply: Reply = this.replies.get(`${req.method} ${path.split('?')[0]}`) ?? {
          status: 404,
          body: { error: 'no such route' },
        };
        if ('hang' in reply) {
          this.hanging.add(res);
          return;
        }
        const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
        res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json' });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Answers every call held by a `hang` reply (a slow control plane finally answering). */
  release(status: number, body: object): void {
    for (const res of this.hanging) {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    }
    this.hanging.clear();
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
