import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { Readable } from 'node:stream';
import type { TestResponse } from './http-client';

/** Content generated on the fly: `size` pseudo-random bytes from `seed`, never held whole. */
export interface GeneratedContent {
  readonly size: number;
  readonly seed: number;
}

export interface Part {
  /** Default `files`. */
  readonly field?: string;
  /** Absent: a form value, not a file. */
  readonly filename?: string;
  /** Send the name as RFC 5987 `filename*` (how control characters can travel at all). */
  readonly encodeFilename?: boolean;
  readonly contentType?: string;
  readonly content: string | Buffer | GeneratedContent;
}

const CHUNK = 64 * 1024;

/** The bytes of generated content, chunk by chunk (xorshift32: cheap and deterministic). */
export function* generatedChunks(content: GeneratedContent): Generator<Buffer> {
  let state = content.seed | 0 || 1;
  for (let left = content.size; left > 0; left -= CHUNK) {
    const size = Math.min(CHUNK, left);
    const chunk = Buffer.allocUnsafe(Math.ceil(size / 4) * 4);
    for (let i = 0; i < chunk.length; i += 4) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      chunk.writeInt32LE(state, i);
    }
    yield chunk.subarray(0, size);
  }
}

export function sha256Of(content: string | Buffer | GeneratedContent): string {
  const hash = createHash('sha256');
  if (typeof content === 'string' || Buffer.isBuffer(content)) hash.update(content);
  else for (const chunk of generatedChunks(content)) hash.update(chunk);
  return hash.digest('hex');
}

/** A `multipart/form-data` body built as it is read, with its exact length known up front. */
export class MultipartBody {
  readonly contentType: string;
  readonly length: number;

  constructor(
    private readonly parts: readonly Part[],
    private readonly boundary = 'molecule-test-boundary-7d9f',
  ) {
    this.contentType = `multipart/form-data; boundary=${boundary}`;
    this.length =
      parts.reduce((sum, p) => sum + this.head(p).length + sizeOf(p.content) + 2, 0) +
      Buffer.byteLength(`--${boundary}--\r\n`);
  }

  stream(): Readable {
    return Readable.from(this.chunks());
  }

  *chunks(): Generator<Buffer> {
    for (const part of this.parts) {
      yield this.head(part);
      const c = part.content;
      if (typeof c === 'string') yield Buffer.from(c);
      else if (Buffer.isBuffer(c)) yield c;
      else yield* generatedChunks(c);
      yield Buffer.from('\r\n');
    }
    yield Buffer.from(`--${this.boundary}--\r\n`);
  }

  private head(part: Part): Buffer {
    const filename =
      part.filename === undefined
        ? ''
        : part.encodeFilename
          ? `; filename*=UTF-8''${encodeURIComponent(part.filename)}`
          : `; filename="${part.filename}"`;
    const type = part.contentType === undefined ? '' : `\r\nContent-Type: ${part.contentType}`;
    return Buffer.from(
      `--${this.boundary}\r\nContent-Disposition: form-data; name="${part.field ?? 'files'}"${filename}${type}\r\n\r\n`,
    );
  }
}

function sizeOf(content: string | Buffer | GeneratedContent): number {
  if (typeof content === 'string') return Buffer.byteLength(content);
  return Buffer.isBuffer(content) ? content.length : content.size;
}

export interface SendOptions {
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body: MultipartBody | Buffer | string;
  /** Default: the body's length. `chunked`: no Content-Length. */
  readonly contentLength?: number | 'chunked';
  readonly contentType?: string | null;
  /** Stop sending (and drop the connection) after this many body bytes. */
  readonly stopAfter?: number;
}

/**
 * POSTs an upload over a raw connection, so a test controls the framing: a declared length
 * that lies, chunked bodies, or a client that goes away half-way (resolves `'dropped'`).
 */
export function sendUpload(
  baseUrl: string,
  options: SendOptions,
): Promise<TestResponse | 'dropped'> {
  const url = new URL(baseUrl);
  const body = options.body;
  const length =
    body instanceof MultipartBody ? body.length : Buffer.byteLength(body as string | Buffer);
  const headers: Record<string, string> = { ...options.headers };
  const type =
    options.contentType === undefined
      ? body instanceof MultipartBody
        ? body.contentType
        : undefined
      : options.contentType;
  if (type) headers['Content-Type'] = type;
  if (options.contentLength !== 'chunked')
    headers['Content-Length'] = String(options.contentLength ?? length);
  return new Promise((resolve, reject) => {
    let dropped = false;
    const req = http.request(
      // A fresh connection each time: a body that lied about its length must not poison the
      // next request on a kept-alive socket.
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: options.path,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => resolve('dropped'));
        res.on('end', () => {
          req.destroy();
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            // not JSON
          }
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve({ status: res.statusCode ?? 0, headers: h, body: parsed, text });
        });
      },
    );
    req.on('error', (err) => (dropped ? resolve('dropped') : reject(err)));
    void (async () => {
      let sent = 0;
      const chunks = body instanceof MultipartBody ? body.chunks() : [Buffer.from(body)];
      for (const chunk of chunks) {
        if (options.stopAfter !== undefined && sent + chunk.length >= options.stopAfter) {
          // Once the partial chunk is handed to the kernel, go away without ending the body.
          req.write(chunk.subarray(0, options.stopAfter - sent), () => {
            dropped = true;
            req.destroy();
            resolve('dropped');
          });
          return;
        }
        sent += chunk.length;
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch((err: unknown) => (dropped ? undefined : reject(err)));
  });
}
