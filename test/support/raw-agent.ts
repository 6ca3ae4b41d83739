import * as net from 'node:net';

/**
 * How a misbehaving agent answers, byte by byte (what an HTTP framework would never send):
 * - `closeAtOnce`: reads the request, hangs up without a byte;
 * - `garbage`: answers bytes that are not HTTP, and keeps the connection open;
 * - `hugeHeaders`: a 200 status line, then `headerBytes` of headers (default 10 MB);
 * - `trickleHeaders`: the response head, one byte a second;
 * - `trickleBody`: a JSON 200 head at once, then its body one byte a second.
 */
export type RawBehaviour =
  'closeAtOnce' | 'garbage' | 'hugeHeaders' | 'trickleHeaders' | 'trickleBody';

export interface RawAgentOptions {
  /** Text to put in what the agent sends (garbage, header values, body), to scan for. */
  readonly marker?: string;
  readonly headerBytes?: number;
  /** Pause between trickled bytes (real time). */
  readonly trickleMs?: number;
}

/** A loopback "agent" speaking raw TCP, for the proxy's fault paths. */
export class RawAgent {
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private requestSeen: () => void = () => undefined;
  private firstByteSent: () => void = () => undefined;
  /** Resolves once a whole request head has arrived. */
  readonly requested = new Promise<void>((resolve) => (this.requestSeen = resolve));
  /** Resolves once the agent has sent its first byte of an answer. */
  readonly answering = new Promise<void>((resolve) => (this.firstByteSent = resolve));
  /** Requests received (a request head counts). */
  requests = 0;
  /** Bytes of the response head, once sent whole (trickleBody). */
  headBytes = 0;

  private constructor(
    private readonly server: net.Server,
    private readonly behaviour: RawBehaviour,
    private readonly options: RawAgentOptions,
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  static async start(behaviour: RawBehaviour, options: RawAgentOptions = {}): Promise<RawAgent> {
    const server = net.createServer();
    const agent = new RawAgent(server, behaviour, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return agent;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Connections still open on the agent's side. */
  get openConnections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      this.requests++;
      this.requestSeen();
      this.answer(socket);
    };
    socket.on('data', onData);
  }

  private answer(socket: net.Socket): void {
    const marker = this.options.marker ?? 'agent';
    switch (this.behaviour) {
      case 'closeAtOnce':
        socket.end();
        return;
      case 'garbage':
        this.send(socket, `\u0000\u00ff${marker} is not HTTP at all\r\n\r\n`);
        return;
      case 'hugeHeaders':
        this.send(socket, `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n`);
        this.writeHeaders(socket, this.options.headerBytes ?? 10 * 1024 * 1024, marker);
        return;
      case 'trickleHeaders':
        this.trickle(
          socket,
          `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Agent: ${marker}\r\n\r\n{}`,
        );
        return;
      case 'trickleBody': {
        const body = JSON.stringify({
          jsonrpc: '2.0',
          id: '1',
          result: { text: marker.repeat(50) },
        });
        const head = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
        this.headBytes = head.length;
        this.send(socket, head);
        this.trickle(socket, body);
        return;
      }
    }
  }

  private send(socket: net.Socket, text: string): void {
    this.firstByteSent();
    socket.write(Buffer.from(text, 'latin1'));
  }

  /** Header lines until `bytes` are written, honouring back-pressure; stops when the peer goes. */
  private writeHeaders(socket: net.Socket, bytes: number, marker: string): void {
    const line = `X-Pad: ${marker}${'a'.repeat(1000)}\r\n`;
    let left = bytes;
    const pump = () => {
      while (left > 0 && !socket.destroyed) {
        left -= line.length;
        if (!socket.write(line)) return void socket.once('drain', pump);
      }
      if (!socket.destroyed) socket.write('\r\n{}');
    };
    pump();
  }

  private trickle(socket: net.Socket, text: string): void {
    let at = 0;
    const step = () => {
      if (socket.destroyed || at >= text.length) {
        clearInterval(timer);
        this.timers.delete(timer);
        return;
      }
      this.send(socket, text[at++]);
    };
    const timer = setInterval(step, this.options.trickleMs ?? 1000);
    this.timers.add(timer);
    socket.once('close', () => {
      clearInterval(timer);
      this.timers.delete(timer);
    });
    step();
  }
}
