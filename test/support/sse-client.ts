/** An SSE reader for tests: collects raw text and parsed `data:` frames as they arrive. */
export class TestSseClient {
  raw = '';
  readonly frames: any[] = [];
  private readonly abort = new AbortController();
  private waiters: { match: (f: any) => boolean; resolve: (f: any) => void }[] = [];

  private constructor(readonly response: Response) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<TestSseClient> {
    const controller = new AbortController();
    const response = await fetch(url, { headers, signal: controller.signal });
    const client = new TestSseClient(response);
    (client as unknown as { abort: AbortController }).abort.signal.addEventListener('abort', () =>
      controller.abort(),
    );
    if (response.body) void client.pump(response.body.getReader());
    return client;
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const text = decoder.decode(value, { stream: true });
        this.raw += text;
        buffered += text;
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          for (const line of block.split('\n')) {
            if (!line.startsWith('data: ')) continue;
            const frame = JSON.parse(line.slice(6));
            this.frames.push(frame);
            this.waiters = this.waiters.filter((w) =>
              w.match(frame) ? (w.resolve(frame), false) : true,
            );
          }
        }
      }
    } catch {
      // aborted
    }
  }

  next(match: (f: any) => boolean, timeoutMs = 10_000): Promise<any> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching SSE frame within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  close(): void {
    this.abort.abort();
  }
}
