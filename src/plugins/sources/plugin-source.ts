/**
 * Where a plugin comes from: `<scheme>://<spec>` (spec 05 §7.1). A bare name is a `local`
 * plugin from the registry directory.
 */
export interface PluginSource {
  readonly scheme: string;
  readonly spec: string;
  /** `<scheme>://<spec>`: what replies and logs echo. */
  readonly raw: string;
}

const SCHEMED = /^([a-zA-Z][a-zA-Z0-9+\-.]*):\/\/(.*)$/s;

/** Why a source string is unusable; the wire only ever says `invalid plugin source`. */
export class SourceParseError extends Error {}

export function parsePluginSource(input: string): PluginSource {
  const trimmed = input.trim();
  if (trimmed === '') throw new SourceParseError('empty source spec');
  const match = SCHEMED.exec(trimmed);
  if (!match) return pluginSource('local', trimmed);
  const [, scheme, rest] = match;
  const spec = rest.trim();
  if (spec === '') {
    throw new SourceParseError(`source "${input}" has empty spec after "${scheme}" scheme`);
  }
  return pluginSource(scheme, spec);
}

export function pluginSource(scheme: string, spec: string): PluginSource {
  return { scheme, spec, raw: `${scheme}://${spec}` };
}

/**
 * A resolver's "there is no such plugin" (→ 404). Any other resolver failure is a 502, a
 * deadline a 504; none of their texts reach a client.
 */
export class PluginNotFoundError extends Error {
  constructor(detail: string) {
    super(`plugin not found: ${detail}`);
    this.name = 'PluginNotFoundError';
  }
}

/**
 * A resolver refuses the spec itself (a local name it does not allow, a GitHub spec that is not
 * `owner/repo[#ref]`): the caller's input is wrong, so it is a 400 carrying `wireMessage`, not
 * a failed fetch. The reference answered 502, as if an upstream had failed.
 */
export class PluginSpecError extends Error {
  constructor(
    readonly wireMessage: 'invalid plugin name' | 'invalid plugin source',
    detail: string,
  ) {
    super(detail);
    this.name = 'PluginSpecError';
  }
}

/** The fetched tree (or archive) is larger than `PLUGIN_INSTALL_MAX_DIR_BYTES` (→ 413). */
export class PluginTooLargeError extends Error {
  constructor() {
    super('plugin exceeds the staged size limit');
    this.name = 'PluginTooLargeError';
  }
}

/** An archive entry escapes its root (`..`, absolute) or there are too many entries (→ 422). */
export class UnsafePluginArchiveError extends Error {
  constructor(detail: string) {
    super(`unsafe plugin archive: ${detail}`);
    this.name = 'UnsafePluginArchiveError';
  }
}

/**
 * Fetches plugins of one scheme. `fetch` writes the plugin's top-level files into `dstDir`
 * (created, empty, by the caller), cleans up any temporary state of its own, stops when
 * `signal` aborts, and returns the plugin's name.
 */
export interface SourceResolver {
  readonly scheme: string;
  fetch(spec: string, dstDir: string, signal: AbortSignal): Promise<string>;
}
