import { createHash } from 'node:crypto';
import * as tar from 'tar-stream';
import { HttpImageRegistry } from '../src/provisioner/images/http-image-registry';
import { ImageRegistryLocation } from '../src/provisioner/images/image-registry-location';
import { LocalRegistry, readSavedImage } from './support/local-registry';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A `docker save` archive (legacy layout) of a one-layer image. */
async function savedArchive(layer: Buffer): Promise<Buffer> {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/agent'] },
      rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
    }),
  );
  const pack = tar.pack();
  const configName = `${sha256(config).slice(7)}.json`;
  pack.entry({ name: configName }, config);
  pack.entry({ name: 'abc/layer.tar' }, layer);
  pack.entry(
    { name: 'manifest.json' },
    JSON.stringify([
      { Config: configName, RepoTags: ['t/agent:latest'], Layers: ['abc/layer.tar'] },
    ]),
  );
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('LocalRegistry (test support)', () => {
  let registry: LocalRegistry;
  const layer = Buffer.from('pretend this is a layer tar');

  beforeAll(async () => {
    registry = await LocalRegistry.start();
  });
  afterAll(() => registry.close());

  it('listens on 127.0.0.1 only and answers the v2 ping', async () => {
    expect(registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
    const res = await fetch(`http://${registry.host}/v2/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('serves a saved image: manifest by tag and digest, blobs by digest', async () => {
    const image = await readSavedImage(await savedArchive(layer));
    expect(image.layers).toEqual([layer]);
    const digest = registry.publish('molecule-test/workspace-template-langgraph', 'latest', image);

    const base = `http://${registry.host}/v2/molecule-test/workspace-template-langgraph`;
    const head = await fetch(`${base}/manifests/latest`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe(digest);

    const got = await fetch(`${base}/manifests/latest`);
    const body = Buffer.from(await got.arrayBuffer());
    expect(sha256(body)).toBe(digest);
    const manifest = JSON.parse(body.toString()) as {
      config: { digest: string };
      layers: { digest: string; size: number }[];
    };
    expect(manifest.layers).toEqual([
      expect.objectContaining({ digest: sha256(layer), size: layer.length }),
    ]);
    expect((await fetch(`${base}/manifests/${digest}`)).status).toBe(200);

    const blob = await fetch(`${base}/blobs/${sha256(layer)}`);
    expect(Buffer.from(await blob.arrayBuffer())).toEqual(layer);
    const config = await fetch(`${base}/blobs/${manifest.config.digest}`);
    expect(JSON.parse(await config.text())).toMatchObject({ os: 'linux' });
  });

  it('gives a republished revision a new digest, and answers 404 for what it does not have', async () => {
    const image = await readSavedImage(await savedArchive(layer));
    const first = registry.publish('t/workspace-template-hermes', 'latest', image, '1');
    const second = registry.publish('t/workspace-template-hermes', 'latest', image, '2');
    expect(second).not.toBe(first);

    const base = `http://${registry.host}/v2/t/workspace-template-hermes`;
    expect((await fetch(`${base}/manifests/nope`)).status).toBe(404);
    expect((await fetch(`${base}/blobs/sha256:${'0'.repeat(64)}`)).status).toBe(404);
    registry.unpublish('t/workspace-template-hermes', 'latest');
    expect((await fetch(`${base}/manifests/latest`)).status).toBe(404);
  });

  it('is what the digest watcher’s HTTP registry reads (token, then HEAD)', async () => {
    const image = await readSavedImage(await savedArchive(layer));
    const digest = registry.publish('watch/workspace-template-crewai', 'latest', image);
    const http = new HttpImageRegistry(ImageRegistryLocation.parse(`${registry.host}/watch`), null);
    expect(await http.latestDigest('crewai')).toBe(digest);
    await expect(http.latestDigest('autogen')).rejects.toThrow(/→ 404$/);
  });
});
