import * as fs from 'node:fs';
import * as net from 'node:net';

/** Where the proxy listens or forwards: a loopback TCP port or a unix socket. */
export type Endpoint = { readonly port: number } | { readonly path: string };

type State = 'pass' | 'cut' | 'frozen';

interface Pair {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  frozen: boolean;
}

/**
 * A byte-level proxy in front of a server the app depends on (PostgreSQL, the Docker engine's
 * socket), which a test can take away and give back:
 * - `cut()`: the server is gone — open connections are reset and nothing listens any more
 *   (new connections are refused, as with a stopped daemon);
 * - `freeze()`: the server hangs — connections stay open and new ones are accepted, but no byte
 *   goes through in either direction (a partition, a wedged process);
 * - `restore()`: traffic flows again; connections that were frozen are reset, as their bytes
 *   were lost.
 */
export class FaultProxy {
  private state: State = 'pass';
  private server: net.Server | undefined;
  private readonly pairs = new Set<Pair>();
  /** Connections accepted (a test can check the app really went through the proxy). */
  accepted = 0;

  private constructor(
    private readonly listenOn: Endpoint,
    private readonly upstream: Endpoint,
  ) {}

  /** Listens on `listenOn` (port 0: any free loopback port) and forwards to `upstream`. */
  static async start(upstream: Endpoint, listenOn: Endpoint = { port: 0 }): Promise<FaultProxy> {
    const proxy = new FaultProxy(listenOn, upstream);
    await proxy.listen();
    return proxy;
  }

  /** The TCP port (when listening on one). */
  get port(): number {
    const address = this.server?.address();
    if (address && typeof address === 'object') return address.port;
    if ('port' in this.listenOn && this.listenOn.port !== 0) return this.listenOn.port;
    throw new Error('the proxy does not listen on a TCP port');
  }

  get mode(): State {
    return this.state;
  }

  async cut(): Promise<void> {
    this.state = 'cut';
    for (const pair of this.pairs) this.reset(pair);
    await this.unlisten();
  }

  freeze(): void {
    this.state = 'frozen';
    for (const pair of this.pairs) pair.frozen = true;
  }

  async restore(): Promise<void> {
    const wasCut = this.state === 'cut';
    this.state = 'pass';
    for (const pair of this.pairs) if (pair.frozen) this.reset(pair);
    if (wasCut) await this.listen();
  }

  async close(): Promise<void> {
    this.state = 'cut';
    for (const pair of this.pairs) this.reset(pair);
    await this.unlisten();
  }

  private async listen(): Promise<void> {
    if (this.server) return;
    // Once bound to a port, come back on the same one (the app keeps its URL).
    const target: Endpoint =
      'port' in this.listenOn && this.listenOn.port === 0 && this.lastPort
        ? { port: this.lastPort }
        : this.listenOn;
    if ('path' in target) fs.rmSync(target.path, { force: true });
    const server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      if ('path' in target) server.listen(target.path, resolve);
      else server.listen(target.port, '127.0.0.1', resolve);
    });
    this.server = server;
    const address = server.address();
    if (address && typeof address === 'object') this.lastPort = address.port;
  }

  private lastPort: number | undefined;

  private unlisten(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.accepted++;
    if (this.state === 'cut') {
      client.destroy();
      return;
    }
    const upstream =
      'path' in this.upstream
        ? net.connect(this.upstream.path)
        : net.connect(this.upstream.port, '127.0.0.1');
    const pair: Pair = { client, upstream, frozen: this.state === 'frozen' };
    this.pairs.add(pair);
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk) => {
        if (!pair.frozen && this.state === 'pass') to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => this.reset(pair);
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
      socket.on('end', () => {
        if (!pair.frozen) end();
      });
    }
  }

  private reset(pair: Pair): void {
    this.pairs.delete(pair);
    pair.client.destroy();
    pair.upstream.destroy();
  }
}
