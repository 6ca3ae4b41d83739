import * as http from 'node:http';
import * as net from 'node:net';
import type { TestResponse } from './http-client';

export interface RawRequest {
  readonly method: string;
  /** Sent byte for byte: no dot-segment removal, no re-encoding (unlike fetch). */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

/** A response with the body's exact bytes too. */
export type RawResponse = TestResponse & { readonly bytes: Buffer };

/** One request with the path exactly as given, for traversal forms a URL parser would fold. */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const out = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers: req.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          let body: unknown = text;
          try {
            body = text === '' ? undefined : JSON.parse(text);
          } catch {
            // not JSON
          }
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve({ status: res.statusCode ?? 0, headers, body, text, bytes });
        });
      },
    );
    out.on('error', reject);
    out.end(req.body);
  });
}

/**
 * The response head of a GET exactly as it came off the wire, one buffer per header line:
 * for header bytes an HTTP client would decode (non-ASCII in a header value).
 */
export function rawResponseHead(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Buffer[]> {
  const url = new URL(baseUrl);
  const lines = Object.entries({ Host: url.host, Connection: 'close', ...headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () =>
      socket.write(`GET ${path} HTTP/1.1\r\n${lines}\r\n`),
    );
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const head = all.subarray(0, all.indexOf('\r\n\r\n'));
      const out: Buffer[] = [];
      for (let start = 0; start <= head.length;) {
        const end = head.indexOf('\r\n', start);
        out.push(head.subarray(start, end < 0 ? head.length : end));
        if (end < 0) break;
        start = end + 2;
      }
      resolve(out);
    });
  });
}
