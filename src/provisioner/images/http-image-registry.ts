import { Inject, Injectable } from '@nestjs/common';
import { ImageRegistry } from './image-registry.port';
import { ImageRegistryLocation } from './image-registry-location';
import { RegistryCredentials } from './registry-credentials';

/** Each registry call gives up after this long (spec 04 §9). */
export const REGISTRY_TIMEOUT_MS = 10_000;

/** Single-arch and multi-arch, OCI and Docker: whatever `latest` is, its digest is answered. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(',');

/**
 * The registry's v2 API over HTTP (spec 04 §9): a pull token from `<host>/token` (Basic auth
 * with the registry credentials when set), then `HEAD /v2/<repository>/manifests/latest` and
 * its `Docker-Content-Digest` header. The host comes from operator configuration, not from a
 * request, so no outbound URL guard applies.
 */
@Injectable()
export class HttpImageRegistry extends ImageRegistry {
  constructor(
    private readonly location: ImageRegistryLocation,
    @Inject(RegistryCredentials) private readonly credentials: RegistryCredentials | null,
  ) {
    super();
  }

  async latestDigest(runtime: string): Promise<string> {
    const repository = this.location.repositoryFor(runtime);
    const token = await this.pullToken(repository);
    const url = `${this.location.baseUrl}/v2/${repository}/manifests/latest`;
    const res = await fetch(url, {
      method: 'HEAD',
      headers: { Authorization: `Bearer ${token}`, Accept: MANIFEST_MEDIA_TYPES },
      signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS),
    });
    if (res.status !== 200) throw new Error(`HEAD ${url} → ${res.status}`);
    const digest = res.headers.get('docker-content-digest');
    if (!digest) throw new Error(`no Docker-Content-Digest in ${url} response`);
    return digest;
  }

  private async pullToken(repository: string): Promise<string> {
    const url = new URL('/token', this.location.baseUrl);
    url.searchParams.set('scope', `repository:${repository}:pull`);
    url.searchParams.set('service', this.location.host);
    const headers: Record<string, string> = {};
    if (this.credentials) headers.Authorization = this.credentials.basicAuthorization();
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS) });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new Error(`token endpoint → ${res.status}`);
    }
    const body = (await res.json().catch(() => ({}))) as {
      token?: unknown;
      access_token?: unknown;
    };
    const token = [body.token, body.access_token].find((t) => typeof t === 'string' && t !== '');
    if (typeof token !== 'string') throw new Error('token endpoint returned empty token');
    return token;
  }
}
