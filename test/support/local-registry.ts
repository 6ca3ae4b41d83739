import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';

/** An image as `docker save` exports it: its config and its layers (uncompressed tars). */
export interface SavedImage {
  readonly config: Buffer;
  readonly layers: readonly Buffer[];
}

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
const CONFIG_TYPE = 'application/vnd.oci.image.config.v1+json';
/** OCI allows uncompressed layers: the engine stores them as they come. */
const LAYER_TYPE = 'application/vnd.oci.image.layer.v1.tar';

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * Reads a `docker save` archive (the legacy layout and the OCI one both carry a
 * `manifest.json` naming the config and layer files) — the first image in it.
 */
export async function readSavedImage(archive: Buffer | NodeJS.ReadableStream): Promise<SavedImage> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  (Buffer.isBuffer(archive) ? Readable.from([archive]) : archive).pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    if (entry.header.type === 'file') files.set(entry.header.name, Buffer.concat(chunks));
  }
  const manifest = files.get('manifest.json');
  if (!manifest) throw new Error('not a docker save archive: no manifest.json');
  const [first] = JSON.parse(manifest.toString()) as { Config: string; Layers: string[] }[];
  const read = (name: string) => {
    const file = files.get(name);
    if (!file) throw new Error(`docker save archive lacks ${name}`);
    return file;
  };
  return { config: read(first.Config), layers: first.Layers.map(read) };
}

interface Published {
  readonly manifest: Buffer;
  readonly digest: string;
}

/**
 * A Docker Registry v2 responder on 127.0.0.1 for tests that need a real pull: `/v2/`,
 * manifests by tag or digest (with `Docker-Content-Digest`), blobs by digest, and the
 * `/token` endpoint the digest watcher asks first. No auth, no uploads. Republishing a tag
 * with another revision gives it a new digest (the config carries the revision as a label),
 * which is how tests make an image "change" upstream.
 */
export class LocalRegistry {
  /** Requests received, as `METHOD /path`. */
  readonly requests: string[] = [];
  private readonly blobs = new Map<string, Buffer>();
  private readonly manifests = new Map<string, Published>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<LocalRegistry> {
    const server = createServer();
    const registry = new LocalRegistry(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => registry.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return registry;
  }

  /** `127.0.0.1:<port>`: the registry part of image references. */
  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Serves `image` as `<repository>:<tag>`; returns the manifest digest clients will see. */
  publish(repository: string, tag: string, image: SavedImage, revision = '1'): string {
    const config = withLabels(image.config, {
      // Also keeps the image id of every repository its own (tests remove images by id).
      'molecule.test.repository': repository,
      'molecule.test.revision': revision,
    });
    this.blobs.set(sha256(config), config);
    const layers = image.layers.map((layer) => {
      const digest = sha256(layer);
      this.blobs.set(digest, layer);
      return { mediaType: LAYER_TYPE, size: layer.length, digest };
    });
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MANIFEST_TYPE,
        config: { mediaType: CONFIG_TYPE, size: config.length, digest: sha256(config) },
        layers,
      }),
    );
    const published = { manifest, digest: sha256(manifest) };
    this.manifests.set(`${repository}:${tag}`, published);
    this.manifests.set(`${repository}@${published.digest}`, published);
    return published.digest;
  }

  /** Stops serving `<repository>:<tag>` (a registry that does not have the image). */
  unpublish(repository: string, tag: string): void {
    this.manifests.delete(`${repository}:${tag}`);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://registry').pathname;
    this.requests.push(`${req.method} ${path}`);
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return fail(res, 405, 'UNSUPPORTED', 'read-only registry');
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    if (path === '/token') return send(res, head, 200, 'application/json', tokenBody());
    if (path === '/v2/' || path === '/v2') return send(res, head, 200, 'application/json', '{}');

    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path);
    if (manifest) {
      const [, repository, reference] = manifest;
      const sep = reference.startsWith('sha256:') ? '@' : ':';
      const found = this.manifests.get(`${repository}${sep}${reference}`);
      if (!found) return fail(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
      res.setHeader('Docker-Content-Digest', found.digest);
      return send(res, head, 200, MANIFEST_TYPE, found.manifest);
    }
    const blob = /^\/v2\/.+\/blobs\/(sha256:[0-9a-f]{64})$/.exec(path);
    if (blob) {
      const found = this.blobs.get(blob[1]);
      if (!found) return fail(res, 404, 'BLOB_UNKNOWN', 'blob unknown to registry');
      res.setHeader('Docker-Content-Digest', blob[1]);
      return send(res, head, 200, 'application/octet-stream', found);
    }
    fail(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry');
  }
}

function withLabels(config: Buffer, labels: Record<string, string>): Buffer {
  const parsed = JSON.parse(config.toString()) as { config?: { Labels?: Record<string, string> } };
  parsed.config = { ...parsed.config, Labels: { ...parsed.config?.Labels, ...labels } };
  return Buffer.from(JSON.stringify(parsed));
}

function tokenBody(): string {
  return JSON.stringify({ token: 'local-registry-anonymous' });
}

function send(
  res: ServerResponse,
  head: boolean,
  status: number,
  type: string,
  body: Buffer | string,
): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

function fail(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ errors: [{ code, message }] });
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(body);
}
