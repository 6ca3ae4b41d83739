/** Hosts Docker itself speaks plain http to (it treats loopback registries as insecure). */
function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Where workspace images live, from `MOLECULE_IMAGE_REGISTRY` (`<host[:port]>/<path>`,
 * default `ghcr.io/molecule-ai`): the first path component is the registry host, the rest
 * the repository path. Images are `<prefix>/workspace-template-<runtime>:latest`; the
 * provisioner, the admin refresh and the digest watcher all read them from here.
 */
export class ImageRegistryLocation {
  private constructor(
    /** Host with its port, if any: the credentials' `serveraddress` and the API's host. */
    readonly host: string,
    /** Repository path under the host (`molecule-ai`), possibly empty. */
    readonly path: string,
  ) {}

  static parse(prefix: string): ImageRegistryLocation {
    const trimmed = prefix.trim().replace(/\/+$/, '');
    const slash = trimmed.indexOf('/');
    return slash < 0
      ? new ImageRegistryLocation(trimmed, '')
      : new ImageRegistryLocation(trimmed.slice(0, slash), trimmed.slice(slash + 1));
  }

  /** The registry's HTTP API root: https, or http for a loopback host. */
  get baseUrl(): string {
    const hostname = this.host.startsWith('[')
      ? this.host.slice(0, this.host.indexOf(']') + 1)
      : this.host.split(':')[0];
    return `${isLoopbackHost(hostname) ? 'http' : 'https'}://${this.host}`;
  }

  /** `molecule-ai/workspace-template-<runtime>`: the repository in registry API paths. */
  repositoryFor(runtime: string): string {
    const name = `workspace-template-${runtime}`;
    return this.path === '' ? name : `${this.path}/${name}`;
  }

  /** The image reference the engine pulls and containers are created from. */
  imageFor(runtime: string): string {
    return `${this.host}/${this.repositoryFor(runtime)}:latest`;
  }
}
