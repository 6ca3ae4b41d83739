import WebSocket from 'ws';

export interface EventFrame {
  event: string;
  workspace_id: string;
  timestamp: string;
  payload: Record<string, any>;
}

/**
 * A WebSocket subscriber for tests: collects every frame and lets a test wait for the
 * first one matching a predicate (bounded by a timeout, never a fixed sleep).
 */
export class TestWsClient {
  readonly frames: EventFrame[] = [];
  private waiters: { match: (f: EventFrame) => boolean; resolve: (f: EventFrame) => void }[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as EventFrame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
  }

  static connect(baseUrl: string, headers: Record<string, string> = {}): Promise<TestWsClient> {
    const socket = new WebSocket(baseUrl.replace(/^http/, 'ws') + '/ws', { headers });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new TestWsClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Attempts a connection expected to be refused; resolves with the HTTP status and body. */
  static reject(
    baseUrl: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string }> {
    const socket = new WebSocket(baseUrl.replace(/^http/, 'ws') + '/ws', { headers });
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        socket.close();
        reject(new Error('connection unexpectedly accepted'));
      });
      socket.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      socket.once('error', () => undefined);
    });
  }

  next(match: (f: EventFrame) => boolean, timeoutMs = 10_000): Promise<EventFrame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching frame within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  nextEvent(event: string, workspaceId?: string, timeoutMs?: number): Promise<EventFrame> {
    return this.next(
      (f) => f.event === event && (workspaceId === undefined || f.workspace_id === workspaceId),
      timeoutMs,
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
