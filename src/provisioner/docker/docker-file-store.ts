import type Docker from 'dockerode';
import type { IncomingMessage } from 'node:http';
import * as posix from 'node:path/posix';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import {
  ExtractOptions,
  FileEntry,
  FileRead,
  FileSite,
  FileStat,
  FileStoreUnavailable,
  ListOptions,
  OpenFilesRequest,
  WorkspaceFiles,
  WorkspaceFileStore,
} from '../workspace-file-store';
import { ConfigsLease, ConfigVolumes, isNoSuchContainer } from './config-volumes';
import { execArgv, MISSING_TOOL_EXIT_CODES } from './container-exec';
import { isEngineNotFound } from './docker-errors';
import { parsePathStat } from './path-stat';
import { containerName } from './workspace-names';

/** A listing keeps at most this much of `find`'s output, as the reference did (spec 07 §1.5). */
const MAX_LISTING_BYTES = 5 * 1024 * 1024;
/** One record per entry: type (links followed), size, path below the listed directory. */
const FIND_FORMAT = '%Y\\t%s\\t%P\\0';
/** Errors of the connection to the engine itself (no answer from it at all). */
const UNREACHABLE = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'EACCES',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);
const CONFIGS = '/configs';

/**
 * The files port on a Docker engine. A running `ws-<id12>` is reached through the archive API
 * (stat, read, extract) and argv-only exec (`find` to list, `rm -f` to delete). With no
 * container running, the config volume is reached through the workspace's own container if
 * one exists, else a helper of the workspace's image that is created and never started — the
 * archive API works on both — and a delete runs the image's `rm` on the volume. No shell text
 * is ever built, no other image is used.
 */
export class DockerFileStore extends WorkspaceFileStore {
  constructor(
    private readonly docker: Docker,
    private readonly volumes: ConfigVolumes,
  ) {
    super();
  }

  async open(request: OpenFilesRequest): Promise<WorkspaceFiles | null> {
    try {
      const container = this.docker.getContainer(containerName(request.workspaceId));
      if (await isRunning(container))
        return new ContainerFiles(this.docker, container, request.workspaceId);
      if (request.volume === 'none') return null;
      const lease = await this.volumes.lease(
        request.workspaceId,
        request.volume === 'create' ? 'write' : 'read',
      );
      return lease ? new VolumeFiles(this.volumes, lease, request.workspaceId) : null;
    } catch (err) {
      if (isUnreachable(err)) throw new FileStoreUnavailable('the Docker engine does not answer');
      throw err;
    }
  }
}

async function isRunning(container: Docker.Container): Promise<boolean> {
  try {
    const { State } = await container.inspect();
    // A frozen (docker pause) container takes no exec: treat it as not running.
    return State?.Running === true && State.Paused !== true;
  } catch (err) {
    if (isNoSuchContainer(err)) return false;
    throw err;
  }
}

function isUnreachable(err: unknown): boolean {
  const e = err as { code?: string; statusCode?: number } | null;
  return e?.statusCode === undefined && e?.code !== undefined && UNREACHABLE.has(e.code);
}

/** Stat, read and extract through the archive API: the same on every kind of container. */
abstract class ArchiveFiles implements WorkspaceFiles {
  abstract readonly site: FileSite;

  constructor(protected readonly container: Docker.Container) {}

  abstract list(dir: string, options: ListOptions): Promise<FileEntry[]>;
  abstract remove(path: string): Promise<void>;
  abstract close(): Promise<void>;

  async stat(path: string): Promise<FileStat | undefined> {
    let res: IncomingMessage;
    try {
      res = (await this.container.infoArchive({ path })) as IncomingMessage;
    } catch (err) {
      // The container was inspected when the session opened: a 404 is about the path.
      if (isEngineNotFound(err)) return undefined;
      throw err;
    }
    res.resume(); // a HEAD answer: release the connection
    return parsePathStat(res.headers['x-docker-container-path-stat']);
  }

  /** Never through a symbolic link, anywhere in the path. */
  async read(path: string): Promise<FileRead> {
    for (let dir = posix.dirname(path); dir !== '/'; dir = posix.dirname(dir)) {
      if ((await this.stat(dir))?.kind === 'symlink') return { kind: 'not-a-file' };
    }
    const stat = await this.stat(path);
    if (!stat) return { kind: 'missing' };
    if (stat.kind !== 'file') return { kind: 'not-a-file' };
    let archive: NodeJS.ReadableStream;
    try {
      archive = await this.container.getArchive({ path });
    } catch (err) {
      if (isEngineNotFound(err)) return { kind: 'missing' };
      throw err;
    }
    return firstFileOf(archive);
  }

  async extract(dir: string, archive: Readable, options: ExtractOptions): Promise<void> {
    // The engine reads the archive from the request as it arrives; a stream that fails ends it.
    const failed = new Promise<never>((_, reject) => archive.once('error', reject));
    await Promise.race([
      this.container.putArchive(archive, {
        path: dir,
        ...(options.owner === 'workspace-user' ? { copyUIDGID: '1' } : {}),
      }),
      failed,
    ]);
  }
}

/** A running workspace container: every path of it. */
class ContainerFiles extends ArchiveFiles {
  readonly site = 'container' as const;

  constructor(
    private readonly docker: Docker,
    container: Docker.Container,
    private readonly workspaceId: string,
  ) {
    super(container);
  }

  async list(dir: string, options: ListOptions): Promise<FileEntry[]> {
    const argv = ['find', dir, '-mindepth', '1', '-maxdepth', String(options.depth)];
    if (options.omit.length > 0) argv.push(...anyName(options.omit), '-prune', '-o');
    if (options.opaque.length > 0)
      argv.push(...anyName(options.opaque), '-printf', FIND_FORMAT, '-prune', '-o');
    argv.push('-printf', FIND_FORMAT);
    const result = await execArgv(this.docker, this.container, argv, {
      maxOutput: MAX_LISTING_BYTES,
    });
    if (MISSING_TOOL_EXIT_CODES.has(result.exitCode))
      throw new Error(`find is not available in the container of ${this.workspaceId}`);
    // A missing directory is an empty listing (find's exit status is not a verdict).
    return parseFindOutput(result.stdout);
  }

  async remove(path: string): Promise<void> {
    const result = await execArgv(this.docker, this.container, ['rm', '-f', '--', path], {
      maxOutput: 0,
      // The platform's files are root's; the agent's user may not be.
      user: '0',
    });
    if (MISSING_TOOL_EXIT_CODES.has(result.exitCode))
      throw new Error(`rm is not available in the container of ${this.workspaceId}`);
  }

  async close(): Promise<void> {
    // Nothing held.
  }
}

/** The config volume without a running container: `/configs` only. */
class VolumeFiles extends ArchiveFiles {
  readonly site = 'volume' as const;

  constructor(
    private readonly volumes: ConfigVolumes,
    private readonly lease: ConfigsLease,
    private readonly workspaceId: string,
  ) {
    super(lease.container);
  }

  override async stat(path: string): Promise<FileStat | undefined> {
    return onVolume(path) ? super.stat(path) : undefined;
  }

  override async read(path: string): Promise<FileRead> {
    return onVolume(path) ? super.read(path) : { kind: 'missing' };
  }

  override async extract(dir: string, archive: Readable, options: ExtractOptions): Promise<void> {
    if (!onVolume(dir)) {
      archive.destroy();
      throw new Error(`${dir} is not on the config volume`);
    }
    await super.extract(dir, archive, options);
  }

  /** The volume is small: its archive is walked, contents skipped. */
  async list(dir: string, options: ListOptions): Promise<FileEntry[]> {
    if (!onVolume(dir)) return [];
    let archive: NodeJS.ReadableStream;
    try {
      archive = await this.container.getArchive({ path: dir });
    } catch (err) {
      if (isEngineNotFound(err)) return [];
      throw err;
    }
    return listArchive(archive, options);
  }

  async remove(path: string): Promise<void> {
    if (!onVolume(path)) return;
    const code = await this.volumes.runOnVolume(this.workspaceId, ['rm', '-f', '--', path]);
    if (MISSING_TOOL_EXIT_CODES.has(code))
      throw new Error(`rm is not available in the image of ${this.workspaceId}`);
  }

  async close(): Promise<void> {
    await this.lease.release();
  }
}

function onVolume(path: string): boolean {
  return path === CONFIGS || path.startsWith(`${CONFIGS}/`);
}

/** `( -name a -o -name b … )` */
function anyName(names: readonly string[]): string[] {
  return ['(', ...names.flatMap((n, i) => (i === 0 ? ['-name', n] : ['-o', '-name', n])), ')'];
}

/** NUL-terminated `type\tsize\tpath` records; a record cut by the output cap is dropped. */
export function parseFindOutput(stdout: Buffer): FileEntry[] {
  const records = stdout.toString('utf8').split('\0');
  // The text after the last NUL is an unfinished record (or empty).
  records.pop();
  const entries: FileEntry[] = [];
  for (const record of records) {
    const first = record.indexOf('\t');
    const second = record.indexOf('\t', first + 1);
    if (first < 0 || second < 0) continue;
    const dir = record.slice(0, first) === 'd';
    const size = dir ? 0 : Number(record.slice(first + 1, second)) || 0;
    entries.push({ path: record.slice(second + 1), size, dir });
  }
  return entries;
}

/** The entries of a directory's archive, `depth` levels down, contents drained. */
async function listArchive(
  archive: NodeJS.ReadableStream,
  options: ListOptions,
): Promise<FileEntry[]> {
  const extract = tar.extract();
  archive.pipe(extract);
  try {
    return await walkArchive(extract, options);
  } finally {
    (archive as Readable).destroy?.();
  }
}

async function walkArchive(extract: tar.Extract, options: ListOptions): Promise<FileEntry[]> {
  const entries: FileEntry[] = [];
  const skipped: string[] = [];
  for await (const entry of extract) {
    entry.resume();
    // Names start with the listed directory's own name: `configs/skills/x`.
    const parts = entry.header.name.replace(/\/+$/, '').split('/').slice(1);
    if (parts.length === 0) continue;
    const path = parts.join('/');
    if (skipped.some((s) => path.startsWith(`${s}/`))) continue;
    const name = parts[parts.length - 1];
    const dir = entry.header.type === 'directory';
    if (options.omit.includes(name)) {
      skipped.push(path);
      continue;
    }
    if (parts.length > options.depth) continue;
    entries.push({ path, size: dir ? 0 : (entry.header.size ?? 0), dir });
    if (dir && options.opaque.includes(name)) skipped.push(path);
  }
  return entries;
}

/**
 * The first entry of an archive as a stream, when it is a regular file; the rest of the
 * archive (and the engine's connection) is dropped once it has been read or abandoned.
 */
async function firstFileOf(archive: NodeJS.ReadableStream): Promise<FileRead> {
  const extract = tar.extract();
  archive.pipe(extract);
  const release = () => {
    extract.destroy();
    (archive as Readable).destroy?.();
  };
  const entries = extract[Symbol.asyncIterator]();
  const first = await entries.next();
  if (first.done) {
    release();
    return { kind: 'missing' };
  }
  const entry = first.value;
  if (entry.header.type !== 'file') {
    release();
    return { kind: 'not-a-file' };
  }
  async function* bytes(): AsyncGenerator<Buffer> {
    for await (const chunk of entry) yield chunk as Buffer;
  }
  const content = Readable.from(bytes());
  // However the reader stops (end, error, destroyed before the first read), the engine's
  // archive must go: an archive left open holds the container (its removal would wait).
  content.once('close', release);
  return { kind: 'file', size: entry.header.size ?? 0, content };
}
