import { Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import { Clock } from '../common/clock/clock';
import {
  ApiError,
  badRequest,
  internalError,
  notFound,
  payloadTooLarge,
} from '../common/http/api-error';
import {
  FileEntry,
  FileSite,
  FileStoreUnavailable,
  VolumeFallback,
  WorkspaceFiles,
  WorkspaceFileStore,
} from '../provisioner/workspace-file-store';
import { orInternalError } from '../common/http/or-internal-error';
import { FileOwner, FileOwnerRepository } from './file-owner.repository';
import {
  absolutePath,
  cleanRelativePath,
  CONFIGS_ROOT,
  FileRoot,
  isCredentialFile,
} from './file-paths';
import { ArchiveEntry, packArchive } from './tar-archive';
import { TemplateFiles } from './template-files';

/** Reads above this are refused (the reference truncated them silently; spec 07 §1.5). */
export const MAX_READ_BYTES = 5 * 1024 * 1024;

const LISTING = { omit: ['.DS_Store'], opaque: ['.git', '__pycache__', 'node_modules'] };

/** Canned 500 bodies standing in for engine errors: the prefixes of spec 07 §4–§6. */
interface ChangeFailures {
  readonly unavailable: string;
  readonly failed: string;
}
const NO_REMOTE_CHANNEL = 'remote file access not available';
const WRITE_FAILURES: ChangeFailures = {
  unavailable: 'failed to write file: docker not available',
  failed: 'failed to write file: copy into workspace failed',
};
const BULK_FAILURES: ChangeFailures = {
  unavailable: 'failed to write files to workspace',
  failed: 'failed to write files to workspace',
};
const DELETE_FAILURES: ChangeFailures = {
  unavailable: 'failed to delete: docker not available',
  failed: 'failed to delete: remove failed',
};

export interface FileContent {
  readonly path: string;
  readonly content: string;
  readonly size: number;
}

export interface SharedContextFile {
  readonly path: string;
  readonly content: string;
}

export interface BulkWriteResult {
  readonly count: number;
  readonly source: FileSite | 'ec2-ssh';
}

/**
 * The Config and Files tabs (spec 07 §1–§7): a workspace's files are read and written in its
 * running container, else in its config volume (`/configs` only), and — for reads only —
 * in the template it was named after when neither can be reached.
 */
@Injectable()
export class WorkspaceFilesService {
  private readonly logger = new Logger(WorkspaceFilesService.name);

  constructor(
    private readonly owners: FileOwnerRepository,
    private readonly store: WorkspaceFileStore,
    private readonly templates: TemplateFiles,
    private readonly clock: Clock,
  ) {}

  /** Entries under `<root>/<sub>` (paths relative to it), `depth` levels down. */
  async list(workspaceId: string, root: FileRoot, sub: string, depth: number) {
    const owner = await this.owner(workspaceId);
    const dir = sub === '' ? root : absolutePath(root, sub);
    const listed =
      (await this.fromWorkspace(workspaceId, owner, volumeFor(root), (files) =>
        files.list(dir, { depth, ...LISTING }),
      )) ?? (await this.templateList(owner, sub, depth));
    return sub === '' ? listed.filter((e) => !isCredentialFile(root, e.path)) : listed;
  }

  /** One file as text; `shownPath` is echoed back as the client sent it. */
  async read(
    workspaceId: string,
    root: FileRoot,
    rel: string,
    shownPath: string,
  ): Promise<FileContent> {
    const owner = await this.owner(workspaceId);
    if (isCredentialFile(root, rel)) throw notFound('file not found');
    const bytes =
      (await this.fromWorkspace(workspaceId, owner, volumeFor(root), async (files) => {
        const read = await readWhole(files, absolutePath(root, rel));
        if (read === 'missing') throw notFound('file not found');
        if (read === 'too-large') throw payloadTooLarge('file too large');
        return read;
      })) ?? (await this.templateRead(owner, rel));
    return { path: shownPath, content: bytes.toString('utf8'), size: bytes.length };
  }

  /** Saves one file under `/configs` (parents created). */
  async write(workspaceId: string, rel: string, content: string): Promise<void> {
    const owner = await this.owner(workspaceId);
    if (owner.instance_id !== '') throw internalError(`failed to write file: ${NO_REMOTE_CHANNEL}`);
    await this.change(workspaceId, owner, 'create', WRITE_FAILURES, (files) =>
      this.extractConfigs(files, [[rel, content]]),
    );
  }

  /**
   * Saves several files under `/configs` in one archive (merged with what is there). Every
   * key must pass the path rule before anything is written.
   */
  async writeMany(workspaceId: string, map: Record<string, string>): Promise<BulkWriteResult> {
    const owner = await this.owner(workspaceId);
    const entries: [string, string][] = [];
    for (const [key, content] of Object.entries(map)) {
      const rel = cleanRelativePath(key);
      if (rel === null || isCredentialFile(CONFIGS_ROOT, rel))
        throw badRequest('invalid request body');
      entries.push([rel, content]);
    }
    if (owner.instance_id !== '') {
      if (entries.length > 0)
        throw internalError(`failed to write file ${entries[0][0]}: ${NO_REMOTE_CHANNEL}`);
      return { count: 0, source: 'ec2-ssh' };
    }
    const site = await this.change(workspaceId, owner, 'create', BULK_FAILURES, async (files) => {
      if (entries.length > 0) await this.extractConfigs(files, entries);
      return files.site;
    });
    return { count: entries.length, source: site ?? 'volume' };
  }

  /** Removes one file under `/configs` (never a directory); a missing file is not an error. */
  async remove(workspaceId: string, rel: string): Promise<void> {
    const owner = await this.owner(workspaceId);
    if (owner.instance_id !== '') throw internalError(DELETE_FAILURES.unavailable);
    await this.change(workspaceId, owner, 'existing', DELETE_FAILURES, (files) =>
      files.remove(absolutePath(CONFIGS_ROOT, rel)),
    );
  }

  /** The files `config.yaml` lists under `shared_context`, in its order (spec 07 §7). */
  async sharedContext(workspaceId: string): Promise<SharedContextFile[]> {
    const owner = await this.owner(workspaceId);
    const local = await this.fromWorkspace(workspaceId, owner, 'existing', async (files) => {
      const read = (rel: string) => readWhole(files, absolutePath(CONFIGS_ROOT, rel));
      return collectSharedContext(await read('config.yaml'), read);
    });
    if (local) return local;
    const dir = await this.templates.dirFor(owner.name);
    if (!dir) return [];
    const read = async (rel: string) => {
      const result = await this.templates.read(dir, rel, MAX_READ_BYTES);
      return result.kind === 'file' ? result.bytes : result.kind;
    };
    return collectSharedContext(await read('config.yaml'), read);
  }

  private async owner(workspaceId: string): Promise<FileOwner> {
    const owner = await orInternalError(
      this.owners.find(workspaceId),
      'lookup failed',
      this.logger,
    );
    if (!owner) throw notFound('workspace not found');
    return owner;
  }

  /**
   * Runs `work` on the workspace's own files. `undefined` means "read the template instead":
   * a control-plane workspace, no engine, nothing to open, or an engine failure (logged).
   * Contract errors raised by `work` pass through.
   */
  private async fromWorkspace<T>(
    workspaceId: string,
    owner: FileOwner,
    volume: VolumeFallback,
    work: (files: WorkspaceFiles) => Promise<T>,
  ): Promise<T | undefined> {
    if (owner.instance_id !== '') return undefined;
    const files = await this.open(workspaceId, owner, volume);
    if (files === null || files === 'unavailable') return undefined;
    try {
      return await work(files);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      this.logger.warn({ err, workspaceId }, 'reading workspace files failed; using the template');
      return undefined;
    } finally {
      await this.close(files, workspaceId);
    }
  }

  /**
   * Runs a change on the workspace's own files; no engine or an engine failure is a 500 with
   * the given canned message. Nothing to open (no container, no volume) is nothing to change.
   */
  private async change<T>(
    workspaceId: string,
    owner: FileOwner,
    volume: VolumeFallback,
    failures: ChangeFailures,
    work: (files: WorkspaceFiles) => Promise<T>,
  ): Promise<T | undefined> {
    const files = await this.open(workspaceId, owner, volume);
    if (files === 'unavailable') throw internalError(failures.unavailable);
    if (files === null) return undefined;
    try {
      return await work(files);
    } catch (err) {
      this.logger.error({ err, workspaceId }, failures.failed);
      throw internalError(failures.failed);
    } finally {
      await this.close(files, workspaceId);
    }
  }

  private async open(workspaceId: string, owner: FileOwner, volume: VolumeFallback) {
    try {
      return await this.store.open({ workspaceId, runtime: owner.runtime, volume });
    } catch (err) {
      if (!(err instanceof FileStoreUnavailable))
        this.logger.warn({ err, workspaceId }, 'could not open workspace files');
      return 'unavailable' as const;
    }
  }

  private async close(files: WorkspaceFiles, workspaceId: string): Promise<void> {
    await files.close().catch((err: unknown) => {
      this.logger.warn({ err, workspaceId }, 'closing workspace files failed');
    });
  }

  /** Files as `/configs/<path>` (0644) with a directory entry for each distinct parent. */
  private extractConfigs(files: WorkspaceFiles, entries: [string, string][]): Promise<void> {
    const archive: ArchiveEntry[] = [];
    const parents = new Set<string>();
    for (const [rel, content] of entries) {
      const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
      if (parent !== '' && !parents.has(parent)) {
        parents.add(parent);
        archive.push({ name: `${parent}/`, directory: true });
      }
      const bytes = Buffer.from(content, 'utf8');
      archive.push({ name: rel, size: bytes.length, content: bytes });
    }
    const tar = packArchive(archive, { mtime: this.clock.now(), fileMode: 0o644 });
    return files.extract(CONFIGS_ROOT, tar, { owner: 'root' });
  }

  private async templateList(owner: FileOwner, sub: string, depth: number): Promise<FileEntry[]> {
    const dir = await this.templates.dirFor(owner.name);
    return dir ? this.templates.list(dir, sub, depth) : [];
  }

  private async templateRead(owner: FileOwner, rel: string): Promise<Buffer> {
    const dir = await this.templates.dirFor(owner.name);
    if (!dir) throw notFound('file not found (container offline, no template)');
    const read = await this.templates.read(dir, rel, MAX_READ_BYTES);
    if (read.kind === 'too-large') throw payloadTooLarge('file too large');
    if (read.kind === 'missing') throw notFound('file not found');
    return read.bytes;
  }
}

/** `/configs` may fall back to the config volume; other roots exist only in a container. */
function volumeFor(root: FileRoot): VolumeFallback {
  return root === CONFIGS_ROOT ? 'existing' : 'none';
}

type WholeRead = Buffer | 'missing' | 'too-large';

/** A regular file's bytes, up to `MAX_READ_BYTES`. */
async function readWhole(files: WorkspaceFiles, path: string): Promise<WholeRead> {
  const read = await files.read(path);
  if (read.kind !== 'file') return 'missing';
  if (read.size > MAX_READ_BYTES) {
    read.content.destroy();
    return 'too-large';
  }
  return collect(read.content, MAX_READ_BYTES);
}

async function collect(stream: Readable, max: number): Promise<WholeRead> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    if (total > max) {
      stream.destroy();
      return 'too-large';
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Entries that fail the path rule, or cannot be read whole, are skipped. */
async function collectSharedContext(
  config: WholeRead,
  read: (rel: string) => Promise<WholeRead>,
): Promise<SharedContextFile[]> {
  if (!Buffer.isBuffer(config)) return [];
  const out: SharedContextFile[] = [];
  for (const entry of sharedContextEntries(config)) {
    const rel = cleanRelativePath(entry);
    if (rel === null || isCredentialFile(CONFIGS_ROOT, rel)) continue;
    const bytes = await read(rel);
    if (Buffer.isBuffer(bytes)) out.push({ path: entry, content: bytes.toString('utf8') });
  }
  return out;
}

function sharedContextEntries(config: Buffer): string[] {
  let parsed: unknown;
  try {
    parsed = parseYaml(config.toString('utf8'));
  } catch {
    return [];
  }
  const list = (parsed as { shared_context?: unknown } | null)?.shared_context;
  if (!Array.isArray(list)) return [];
  return list.flatMap((e) =>
    typeof e === 'string' || typeof e === 'number' || typeof e === 'boolean' ? [String(e)] : [],
  );
}
