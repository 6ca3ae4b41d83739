import * as path from 'node:path/posix';
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
} from '../../src/provisioner/workspace-file-store';

type FakeNode =
  | { kind: 'file'; data: Buffer; mode: number; owner: string }
  | { kind: 'dir'; owner: string }
  | { kind: 'symlink'; target: string }
  | { kind: 'other' };

/** One workspace as the fake engine sees it: a container that may run, a config volume. */
export class FakeWorkspaceDisk {
  running = false;
  volume = false;
  /** Every path, absolute; what lives under `/configs` is the config volume. */
  readonly nodes = new Map<string, FakeNode>([['/', { kind: 'dir', owner: 'root' }]]);

  writeFile(file: string, content: string | Buffer, owner = 'root'): this {
    this.mkdirs(path.dirname(file));
    this.nodes.set(file, { kind: 'file', data: Buffer.from(content), mode: 0o644, owner });
    return this;
  }

  symlink(link: string, target: string): this {
    this.mkdirs(path.dirname(link));
    this.nodes.set(link, { kind: 'symlink', target });
    return this;
  }

  mkdirs(dir: string, owner = 'root'): this {
    if (dir !== '/' && !this.nodes.has(dir)) {
      this.mkdirs(path.dirname(dir), owner);
      this.nodes.set(dir, { kind: 'dir', owner });
    }
    return this;
  }

  file(file: string): Buffer | undefined {
    const node = this.nodes.get(file);
    return node?.kind === 'file' ? node.data : undefined;
  }

  node(file: string): FakeNode | undefined {
    return this.nodes.get(file);
  }

  /** Paths (not directories) under `dir`, sorted. */
  filesUnder(dir: string): string[] {
    return [...this.nodes.entries()]
      .filter(([p, n]) => n.kind !== 'dir' && p.startsWith(`${dir}/`))
      .map(([p]) => p)
      .sort();
  }
}

type Method = 'open' | 'stat' | 'list' | 'read' | 'extract' | 'remove' | 'close';
type Interceptor = (workspaceId: string, detail: string) => void | Promise<void>;

/**
 * An in-memory engine for the files port: per workspace a container (running or not) and a
 * config volume. It behaves like the Docker archive API where tests depend on it: an archive
 * that breaks off leaves the entries written so far, extracting into a missing directory
 * fails, a volume-only session sees `/configs` only. Every call is logged; any method can be
 * intercepted (throw to fail it, await to hold it).
 */
export class FakeFileStore extends WorkspaceFileStore {
  readonly calls: string[] = [];
  readonly disks = new Map<string, FakeWorkspaceDisk>();
  available = true;
  openSessions = 0;
  /** Set: the next extraction writes this many files, then fails (as a broken-off archive). */
  breakExtractAfter: number | undefined;
  private readonly interceptors = new Map<Method, Interceptor>();

  disk(workspaceId: string): FakeWorkspaceDisk {
    let disk = this.disks.get(workspaceId);
    if (!disk) this.disks.set(workspaceId, (disk = new FakeWorkspaceDisk()));
    return disk;
  }

  /** A running container (with its config volume). */
  running(workspaceId: string): FakeWorkspaceDisk {
    const disk = this.disk(workspaceId);
    disk.running = true;
    disk.volume = true;
    disk.mkdirs('/configs').mkdirs('/workspace').mkdirs('/home');
    return disk;
  }

  /** No container, the config volume only (a paused or stopped workspace). */
  volumeOnly(workspaceId: string): FakeWorkspaceDisk {
    const disk = this.disk(workspaceId);
    disk.running = false;
    disk.volume = true;
    disk.mkdirs('/configs');
    return disk;
  }

  intercept(method: Method, fn: Interceptor): void {
    this.interceptors.set(method, fn);
  }

  clearInterceptors(): void {
    this.interceptors.clear();
  }

  async open(request: OpenFilesRequest): Promise<WorkspaceFiles | null> {
    await this.enter('open', request.workspaceId, request.volume);
    if (!this.available) throw new FileStoreUnavailable('fake engine is down');
    const disk = this.disk(request.workspaceId);
    let site: FileSite;
    if (disk.running) site = 'container';
    else if (disk.volume && request.volume !== 'none') site = 'volume';
    else if (request.volume === 'create') {
      disk.volume = true;
      disk.mkdirs('/configs');
      site = 'volume';
    } else return null;
    this.openSessions++;
    return new FakeSession(this, request.workspaceId, disk, site);
  }

  /** @internal */
  async enter(method: Method, workspaceId: string, detail: string): Promise<void> {
    this.calls.push(`${method} ${workspaceId} ${detail}`);
    await this.interceptors.get(method)?.(workspaceId, detail);
  }
}

class FakeSession implements WorkspaceFiles {
  private closed = false;

  constructor(
    private readonly store: FakeFileStore,
    private readonly workspaceId: string,
    private readonly disk: FakeWorkspaceDisk,
    readonly site: FileSite,
  ) {}

  async stat(file: string): Promise<FileStat | undefined> {
    await this.enter('stat', file);
    const node = this.visible(file);
    if (!node) return undefined;
    return { kind: node.kind, size: node.kind === 'file' ? node.data.length : 0 };
  }

  async list(dir: string, options: ListOptions): Promise<FileEntry[]> {
    await this.enter('list', dir);
    const top = this.visible(dir);
    if (top?.kind !== 'dir') return [];
    const entries: FileEntry[] = [];
    const walk = (current: string, level: number) => {
      for (const [p, node] of this.children(current)) {
        const name = path.basename(p);
        if (options.omit.includes(name)) continue;
        entries.push({
          path: path.relative(dir, p),
          size: node.kind === 'file' ? node.data.length : 0,
          dir: node.kind === 'dir',
        });
        if (node.kind === 'dir' && level < options.depth && !options.opaque.includes(name))
          walk(p, level + 1);
      }
    };
    walk(dir, 1);
    return entries;
  }

  async read(file: string): Promise<FileRead> {
    await this.enter('read', file);
    for (let p = path.dirname(file); p !== '/'; p = path.dirname(p)) {
      if (this.visible(p)?.kind === 'symlink') return { kind: 'not-a-file' };
    }
    const node = this.visible(file);
    if (!node) return { kind: 'missing' };
    if (node.kind !== 'file') return { kind: 'not-a-file' };
    return { kind: 'file', size: node.data.length, content: Readable.from([node.data]) };
  }

  async extract(dir: string, archive: Readable, options: ExtractOptions): Promise<void> {
    await this.enter('extract', dir);
    if (this.visible(dir)?.kind !== 'dir') {
      archive.destroy();
      throw new Error(`Could not find the file ${dir} in container`);
    }
    const owner = options.owner === 'workspace-user' ? 'agent' : 'root';
    const breakAfter = this.store.breakExtractAfter;
    this.store.breakExtractAfter = undefined;
    let written = 0;
    const extract = tar.extract();
    archive.on('error', (err) => extract.destroy(err));
    archive.pipe(extract);
    for await (const entry of extract) {
      const target = path.join(dir, entry.header.name).replace(/\/+$/, '');
      if (entry.header.type === 'directory') {
        this.disk.mkdirs(target, owner);
        entry.resume();
        continue;
      }
      if (breakAfter !== undefined && written === breakAfter) {
        extract.destroy();
        archive.destroy();
        throw new Error('archive broke off');
      }
      written++;
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      this.disk.mkdirs(path.dirname(target));
      this.disk.nodes.set(target, {
        kind: 'file',
        data: Buffer.concat(chunks),
        mode: entry.header.mode ?? 0o644,
        owner,
      });
    }
  }

  async remove(file: string): Promise<void> {
    await this.enter('remove', file);
    const node = this.visible(file);
    if (node && node.kind !== 'dir') this.disk.nodes.delete(file);
  }

  async close(): Promise<void> {
    await this.enter('close', this.site);
    if (!this.closed) this.store.openSessions--;
    this.closed = true;
  }

  private visible(file: string) {
    if (this.closed) throw new Error('session used after close');
    if (this.site === 'volume' && file !== '/configs' && !file.startsWith('/configs/'))
      return undefined;
    return this.disk.nodes.get(file);
  }

  private children(dir: string): [string, FakeNode][] {
    return [...this.disk.nodes.entries()]
      .filter(([p]) => p !== dir && path.dirname(p) === dir)
      .sort(([a], [b]) => a.localeCompare(b));
  }

  private enter(method: Method, detail: string) {
    return this.store.enter(method, this.workspaceId, detail);
  }
}
