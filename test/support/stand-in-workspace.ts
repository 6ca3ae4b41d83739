import busboy from 'busboy';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sanitizeFilename } from '../../src/chat-files/upload-names';

const MiB = 1024 * 1024;
const UPLOAD_DIR = '/workspace/.molecule/chat-uploads';

/** One request as the stand-in saw it (the body is counted, not kept). */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  bytes: number;
}

export interface StandInOptions {
  readonly secret: string;
  /** `false`: a runtime that predates the ingest endpoint (404 there, like today's image). */
  readonly ingest?: boolean;
}

/**
 * A workspace's own HTTP side on 127.0.0.1, as spec 03 §6.4 describes it: the chat-upload
 * ingest endpoint (bearer = the inbound secret, the 50 MiB / 25 MiB caps, exclusive writes
 * into the upload directory) and `GET /internal/file/read`. Its "container filesystem" is a
 * temporary directory. A test can replace the answer of any request with `respond`.
 */
export class StandInWorkspace {
  readonly seen: SeenRequest[] = [];
  /** Take over a request (return true when handled). */
  respond?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
  ingest: boolean;
  readonly root: string;

  private constructor(
    private readonly server: http.Server,
    private readonly options: StandInOptions,
  ) {
    this.ingest = options.ingest ?? true;
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-stand-in-'));
  }

  static async start(options: StandInOptions): Promise<StandInWorkspace> {
    const server = http.createServer();
    const standIn = new StandInWorkspace(server, options);
    server.on('request', (req, res) => standIn.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A file of the "container", by absolute in-container path. */
  file(containerPath: string): Buffer | undefined {
    const file = path.join(this.root, containerPath);
    return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
  }

  writeFile(containerPath: string, content: string | Buffer): void {
    const file = path.join(this.root, containerPath);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }

  uploads(): string[] {
    const dir = path.join(this.root, UPLOAD_DIR);
    return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const seen: SeenRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      bytes: 0,
    };
    this.seen.push(seen);
    req.on('data', (chunk: Buffer) => (seen.bytes += chunk.length));
    if (this.respond?.(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (req.method === 'POST' && url.pathname === '/internal/chat/uploads/ingest' && this.ingest)
      return void this.ingestUpload(req, res);
    if (req.method === 'GET' && url.pathname === '/internal/file/read')
      return this.readFile(req, res, url.searchParams.get('path') ?? '');
    json(res, 404, { error: 'not found' });
    req.resume();
  }

  private authorized(req: http.IncomingMessage): boolean {
    return req.headers.authorization === `Bearer ${this.options.secret}`;
  }

  private async ingestUpload(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!this.authorized(req)) return json(res, 401, { error: 'unauthorized' }, req);
    if (Number(req.headers['content-length'] ?? 0) > 50 * MiB)
      return json(res, 413, { error: 'request body exceeds total limit (50 MB)' }, req);
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        preservePath: true,
        defParamCharset: 'utf8',
        limits: { fileSize: 25 * MiB + 1 },
      });
    } catch {
      return json(res, 400, { error: 'failed to parse multipart form' }, req);
    }
    const dir = path.join(this.root, UPLOAD_DIR);
    fs.mkdirSync(dir, { recursive: true });
    const written: string[] = [];
    const files: { uri: string; name: string; mimeType: string; size: number }[] = [];
    const writes: Promise<void>[] = [];
    let failure: [number, string] | undefined;
    let total = 0;
    parser.on('file', (field, stream, info) => {
      if (field !== 'files' || !info.filename) return void stream.resume();
      const name = sanitizeFilename(info.filename);
      const stored = `${randomBytes(16).toString('hex')}-${name}`;
      const target = path.join(dir, stored);
      written.push(target);
      const entry = {
        uri: `workspace:${UPLOAD_DIR}/${stored}`,
        name,
        mimeType: info.mimeType,
        size: 0,
      };
      files.push(entry);
      stream.on('data', (c: Buffer) => {
        entry.size += c.length;
        total += c.length;
        if (total > 50 * MiB) failure ??= [413, 'total request body exceeds limit (50 MB)'];
      });
      stream.on(
        'limit',
        () => (failure ??= [413, `${info.filename} exceeds per-file limit (25 MB)`]),
      );
      writes.push(pipeline(stream, fs.createWriteStream(target, { flags: 'wx', mode: 0o600 })));
    });
    try {
      await pipeline(req, parser);
      await Promise.all(writes);
    } catch {
      failure ??= [400, 'failed to parse multipart form'];
    }
    if (!failure && files.length === 0) failure = [400, "expected at least one 'files' field"];
    if (failure) {
      await Promise.allSettled(writes);
      for (const file of written) fs.rmSync(file, { force: true });
      return json(res, failure[0], { error: failure[1] });
    }
    json(res, 200, { files });
  }

  private readFile(req: http.IncomingMessage, res: http.ServerResponse, containerPath: string) {
    req.resume();
    if (!this.authorized(req)) return json(res, 401, { error: 'unauthorized' });
    const file = path.join(this.root, containerPath);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile())
      return json(res, 404, { error: 'file not found' });
    // The name's UTF-8 bytes on the wire, as a Go server writes them (Disposition before
    // Length: Node re-encodes a Disposition that follows a Length).
    const disposition = `attachment; filename="${path.basename(file)}"`;
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': Buffer.from(disposition, 'utf8').toString('latin1'),
      'Content-Length': String(fs.statSync(file).size),
      'X-Not-Relayed': 'yes',
    });
    fs.createReadStream(file).pipe(res);
  }
}

function json(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  drain?: http.IncomingMessage,
): void {
  drain?.resume();
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
