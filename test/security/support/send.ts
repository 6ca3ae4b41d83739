import { Agent, IncomingHttpHeaders, request } from 'node:http';

/** What the security suites read back from a response. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** `error` of a JSON error body, when there is one. */
  readonly error: string | undefined;
}

export interface RawRequest {
  readonly method: string;
  /** Sent exactly as written: no dot-segment collapsing, no re-encoding. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Uint8Array;
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 4 });

/**
 * Sends one request over plain `node:http` (a client that rewrites nothing, so traversal and
 * odd bytes reach the server as written) and reads the answer. An event stream is closed once
 * its headers are in (it would never end). A request that does not complete within 10 s is a
 * failure: a hang is one too.
 */
export function send(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      outgoing.destroy();
      reject(new Error(`${req.method} ${req.path} hung for 10 s`));
    }, 10_000);
    const outgoing = request(
      {
        host: hostname,
        port,
        path: req.path,
        method: req.method,
        headers: req.headers,
        agent: keepAlive,
      },
      (res) => {
        const headers = toHeaders(res.headers);
        if ((headers.get('content-type') ?? '').startsWith('text/event-stream')) {
          clearTimeout(timer);
          res.destroy();
          resolve({ status: res.statusCode ?? 0, headers, text: '', error: undefined });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers, text, error: errorOf(text) });
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      },
    );
    // A server may answer (413, say) and close before the client has sent all it meant to:
    // the write then fails, but the answer, once in, is what counts.
    let answered = false;
    outgoing.on('response', () => (answered = true));
    outgoing.on('error', (err) => {
      setTimeout(() => {
        if (answered) return;
        clearTimeout(timer);
        reject(err);
      }, 100);
    });
    outgoing.end(req.body);
  });
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

function errorOf(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      const error = (parsed as { error: unknown }).error;
      return typeof error === 'string' ? error : undefined;
    }
  } catch {
    // not JSON
  }
  return undefined;
}
