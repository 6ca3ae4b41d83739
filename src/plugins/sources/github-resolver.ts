import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  PluginNotFoundError,
  PluginSpecError,
  PluginTooLargeError,
  SourceResolver,
} from './plugin-source';
import { ArchiveLimits, extractRepositoryTarball } from './repository-tarball';

const NAME = '[A-Za-z0-9][A-Za-z0-9_.-]{0,99}';
const REF = '[A-Za-z0-9_.][A-Za-z0-9_./-]{0,254}';
const SPEC = new RegExp(`^(${NAME})/(${NAME})(?:#(${REF}))?$`);

/** How much of an error answer is kept for the log line. */
const ERROR_BODY_BYTES = 2048;

export interface GithubResolverOptions {
  /** GitHub API base URL, no trailing slash (`PLUGIN_GITHUB_API_URL`). */
  readonly apiUrl: string;
  readonly allowUnpinned: boolean;
  readonly limits: ArchiveLimits;
}

/**
 * `github://<owner>/<repo>[#<ref>]`: the repository tarball at a tag or commit, downloaded
 * from the GitHub API (`GET /repos/<owner>/<repo>/tarball/<ref>`) and unpacked, streamed,
 * under the archive limits. The plugin is named after the repository. The reference cloned
 * with `git`; an archive needs no git binary, reads a commit SHA as well as a tag, and is
 * bounded before anything is written.
 */
export class GithubResolver implements SourceResolver {
  readonly scheme = 'github';

  constructor(private readonly options: GithubResolverOptions) {}

  async fetch(spec: string, dstDir: string, signal: AbortSignal): Promise<string> {
    const match = SPEC.exec(spec);
    if (!match) {
      throw new PluginSpecError(
        'invalid plugin source',
        `github resolver: spec "${spec}" must be <owner>/<repo>[#<ref>]`,
      );
    }
    const [, owner, repo, ref] = match;
    if (ref === undefined && !this.options.allowUnpinned) {
      throw new Error(
        `github resolver: "${spec}" requires a pinned ref (#tag or #sha); set PLUGIN_ALLOW_UNPINNED=true to allow`,
      );
    }
    const refPath = ref === undefined ? '' : `/${ref.split('/').map(encodeURIComponent).join('/')}`;
    const url = `${this.options.apiUrl}/repos/${owner}/${repo}/tarball${refPath}`;
    const res = await fetch(url, {
      headers: {
        Accept: 'application/vnd.github+json',
        'User-Agent': 'molecule-platform-server',
        'X-GitHub-Api-Version': '2022-11-28',
      },
      redirect: 'follow',
      signal,
    });
    if (!res.ok || res.body === null) {
      const detail = await errorText(res);
      if (res.status === 404) throw new PluginNotFoundError(`github ${owner}/${repo}: ${detail}`);
      throw new Error(`github resolver: ${url} answered ${res.status}: ${detail}`);
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > this.options.limits.maxBytes) {
      await res.body.cancel();
      throw new PluginTooLargeError();
    }
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    await extractRepositoryTarball(body, dstDir, this.options.limits, signal);
    return repo;
  }
}

async function errorText(res: Response): Promise<string> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // the detail is only for the log
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES).toString('utf8');
}
