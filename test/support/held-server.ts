import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HeldServer {
  readonly server: http.Server;
  readonly port: number;
  readonly url: string;
  /** Resolves once the first held request has arrived (its body read). */
  readonly received: Promise<void>;
  /** Lets every held request (and those still to come) be answered. */
  release(): void;
  close(): void;
}

/**
 * An HTTP server on 127.0.0.1 whose requests on `held(req)` paths wait until the test calls
 * `release()`, then get `answer`; the others are answered at once — for tests of what happens
 * to a request in flight.
 */
export async function startHeldServer(
  answer: (res: http.ServerResponse) => void,
  held: (req: http.IncomingMessage) => boolean = () => true,
): Promise<HeldServer> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrived!: () => void;
  const received = new Promise<void>((resolve) => (arrived = resolve));
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (!held(req)) return answer(res);
      arrived();
      void released.then(() => answer(res));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    received,
    release,
    close: () => server.close(),
  };
}
