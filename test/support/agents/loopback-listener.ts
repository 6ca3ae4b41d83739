import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One port served on 127.0.0.1 and, when the machine has it, ::1 — `localhost` may be either. */
export interface LoopbackListener {
  readonly port: number;
  /** Both addresses actually bound (`::1` is missing on IPv4-only machines). */
  readonly addresses: readonly string[];
  serve(handler: RequestListener): void;
  /** Stops listening and destroys every connection, including ones with a request in flight. */
  close(): Promise<void>;
}

const BIND_ATTEMPTS = 5;

export async function openLoopbackListener(): Promise<LoopbackListener> {
  let handler: RequestListener = (_req, res) => res.writeHead(503).end();
  const dispatch: RequestListener = (req, res) => handler(req, res);

  for (let attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
    const v4 = await listen(createServer(dispatch), 0, '127.0.0.1');
    const port = (v4.address() as AddressInfo).port;
    const servers = [v4];
    try {
      servers.push(await listen(createServer(dispatch), port, '::1'));
    } catch (err) {
      if (!ipv6Unavailable(err)) {
        await closeServer(v4);
        // Someone already owns this port on ::1: pick another one.
        if (errorCode(err) === 'EADDRINUSE') continue;
        throw err;
      }
    }
    return {
      port,
      addresses: servers.map((s) => (s.address() as AddressInfo).address),
      serve: (next) => {
        handler = next;
      },
      close: () => Promise.all(servers.map(closeServer)).then(() => undefined),
    };
  }
  throw new Error(`could not bind one port on both 127.0.0.1 and ::1 in ${BIND_ATTEMPTS} attempts`);
}

function listen(server: Server, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function ipv6Unavailable(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT';
}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}
