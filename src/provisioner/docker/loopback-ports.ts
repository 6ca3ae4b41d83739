import * as net from 'node:net';

/**
 * Free loopback ports for agents on the host network. The kernel picks an unused port; the
 * ports handed out and not yet released are never handed out twice by this process.
 */
export class LoopbackPorts {
  private readonly held = new Map<string, number>();

  async take(owner: string): Promise<number> {
    this.held.delete(owner);
    const inUse = new Set(this.held.values());
    for (;;) {
      const port = await freeLoopbackPort();
      if (!inUse.has(port)) {
        this.held.set(owner, port);
        return port;
      }
    }
  }

  release(owner: string): void {
    this.held.delete(owner);
  }
}

/** A 127.0.0.1 port nothing listens on right now. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
