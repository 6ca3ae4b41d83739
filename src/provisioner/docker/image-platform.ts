/** An OCI platform as the engine takes it on pull and create. */
export interface OciPlatform {
  readonly os: string;
  readonly architecture: string;
}

export interface HostArch {
  readonly platform: string;
  readonly arch: string;
}

/**
 * The platform forced on image pulls and creates (spec 04 §1.1): MOLECULE_IMAGE_PLATFORM
 * verbatim when present (empty forces nothing); absent, `linux/amd64` on Apple Silicon (the
 * workspace images are published for amd64) and nothing elsewhere.
 */
export function imagePlatform(
  configured: string | undefined,
  host: HostArch = { platform: process.platform, arch: process.arch },
): string {
  if (configured !== undefined) return configured;
  return host.platform === 'darwin' && host.arch === 'arm64' ? 'linux/amd64' : '';
}

/** `os/arch[/variant…]` split on the first `/`; both parts non-empty, else none. */
export function parseOciPlatform(text: string): OciPlatform | undefined {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) return undefined;
  return { os: text.slice(0, slash), architecture: text.slice(slash + 1) };
}
