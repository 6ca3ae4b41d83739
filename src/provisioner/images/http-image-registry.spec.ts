import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpImageRegistry, MANIFEST_MEDIA_TYPES } from './http-image-registry';
import { ImageRegistryLocation } from './image-registry-location';
import { RegistryCredentials } from './registry-credentials';

type Handler = (req: IncomingMessage) => {
  status: number;
  headers?: Record<string, string>;
  body?: string;
};

describe('HttpImageRegistry', () => {
  let server: Server;
  let port: number;
  let handle: Handler;
  let seen: { method: string; url: string; authorization?: string; accept?: string }[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        accept: req.headers.accept,
      });
      const answer = handle(req);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  beforeEach(() => {
    seen = [];
    handle = (req) =>
      req.url?.startsWith('/token')
        ? { status: 200, body: JSON.stringify({ token: 'pull-token' }) }
        : { status: 200, headers: { 'Docker-Content-Digest': 'sha256:abc' } };
  });

  const registry = (credentials: RegistryCredentials | null = null) =>
    new HttpImageRegistry(
      ImageRegistryLocation.parse(`127.0.0.1:${port}/molecule-ai`),
      credentials,
    );

  it('gets a pull token, then HEADs the latest manifest with it and reads its digest', async () => {
    expect(await registry().latestDigest('claude-code')).toBe('sha256:abc');
    expect(seen).toEqual([
      {
        method: 'GET',
        url: `/token?scope=repository%3Amolecule-ai%2Fworkspace-template-claude-code%3Apull&service=127.0.0.1%3A${port}`,
        authorization: undefined,
        accept: '*/*',
      },
      {
        method: 'HEAD',
        url: '/v2/molecule-ai/workspace-template-claude-code/manifests/latest',
        authorization: 'Bearer pull-token',
        accept: MANIFEST_MEDIA_TYPES,
      },
    ]);
    expect(MANIFEST_MEDIA_TYPES).toBe(
      'application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.docker.distribution.manifest.v2+json',
    );
  });

  it('asks for the token with Basic credentials when they are set', async () => {
    await registry(RegistryCredentials.from('bot', 'secret')).latestDigest('langgraph');
    expect(seen[0].authorization).toBe(`Basic ${Buffer.from('bot:secret').toString('base64')}`);
  });

  it('accepts access_token when token is empty', async () => {
    handle = (req) =>
      req.url?.startsWith('/token')
        ? { status: 200, body: JSON.stringify({ token: '', access_token: 'other' }) }
        : { status: 200, headers: { 'Docker-Content-Digest': 'sha256:def' } };
    expect(await registry().latestDigest('langgraph')).toBe('sha256:def');
    expect(seen[1].authorization).toBe('Bearer other');
  });

  it.each([
    [{ status: 401, body: 'denied' }, 'token endpoint → 401'],
    [{ status: 200, body: '{}' }, 'token endpoint returned empty token'],
    [{ status: 200, body: 'not json' }, 'token endpoint returned empty token'],
  ])('fails when the token endpoint answers %p', async (answer, message) => {
    handle = (req) => (req.url?.startsWith('/token') ? answer : { status: 200 });
    await expect(registry().latestDigest('langgraph')).rejects.toThrow(message);
  });

  it('fails on a manifest status other than 200 (an image the registry does not have)', async () => {
    handle = (req) =>
      req.url?.startsWith('/token') ? { status: 200, body: '{"token":"t"}' } : { status: 404 };
    await expect(registry().latestDigest('hermes')).rejects.toThrow(
      `HEAD http://127.0.0.1:${port}/v2/molecule-ai/workspace-template-hermes/manifests/latest → 404`,
    );
  });

  it('fails when the manifest answer carries no digest', async () => {
    handle = (req) =>
      req.url?.startsWith('/token') ? { status: 200, body: '{"token":"t"}' } : { status: 200 };
    await expect(registry().latestDigest('hermes')).rejects.toThrow(
      /^no Docker-Content-Digest in http:\/\/127\.0\.0\.1:\d+\/v2\/molecule-ai\/workspace-template-hermes\/manifests\/latest response$/,
    );
  });

  it('fails when the registry is unreachable', async () => {
    const closed = new HttpImageRegistry(ImageRegistryLocation.parse('127.0.0.1:1/x'), null);
    await expect(closed.latestDigest('langgraph')).rejects.toThrow();
  });
});
