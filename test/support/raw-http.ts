import * as http from 'node:http';
import type { TestResponse } from './http-client';

export interface RawRequest {
  readonly method: string;
  /** Sent byte for byte: no dot-segment removal, no re-encoding (unlike fetch). */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

/** One request with the path exactly as given, for traversal forms a URL parser would fold. */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<TestResponse> {
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
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text === '' ? undefined : JSON.parse(text);
          } catch {
            // not JSON
          }
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve({ status: res.statusCode ?? 0, headers, body, text });
        });
      },
    );
    out.on('error', reject);
    out.end(req.body);
  });
}
