import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar-stream';
import { CONFIG_CREDENTIAL_FILES } from '../config-credentials';

/** One entry of an archive extracted into `/configs`; `name` is relative to it. */
export interface ArchiveEntry {
  readonly name: string;
  readonly type: 'file' | 'directory';
  readonly mode: number;
  readonly content?: Buffer;
}

/** Scripts and prompts authored on Windows still run and read cleanly (spec 04 §2.7). */
const LF_ONLY = /\.(sh|py|md)$/;

/**
 * The files a container finds in `/configs` at its first start, as one archive: the template
 * directory, then the in-memory config files over it (a later entry of the same name
 * replaces an earlier one). Every directory a file needs has its own entry.
 */
export class ConfigArchive {
  private readonly entries = new Map<string, ArchiveEntry>();

  get isEmpty(): boolean {
    return this.entries.size === 0;
  }

  /** Content of a file entry, if the archive has one by that name. */
  file(name: string): Buffer | undefined {
    const entry = this.entries.get(cleanName(name));
    return entry?.type === 'file' ? entry.content : undefined;
  }

  /** Adds (or replaces) a file, with directory entries for all its ancestors. */
  putFile(name: string, content: Buffer, mode = modeFor(name)): this {
    const clean = cleanName(name);
    const parts = clean.split('/');
    for (let i = 1; i < parts.length; i++) this.putDirectory(parts.slice(0, i).join('/'));
    this.entries.set(clean, { name: clean, type: 'file', mode, content });
    return this;
  }

  putDirectory(name: string, mode = 0o755): this {
    const clean = cleanName(name);
    if (!this.entries.has(clean)) this.entries.set(clean, { name: clean, type: 'directory', mode });
    return this;
  }

  /** The template tree: directories and regular files, modes kept; links and devices skipped. */
  async addTemplate(root: string): Promise<this> {
    const walk = async (dir: string, prefix: string): Promise<void> => {
      const children = await fs.readdir(dir, { withFileTypes: true });
      children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const child of children) {
        const full = path.join(dir, child.name);
        const name = prefix ? `${prefix}/${child.name}` : child.name;
        if (child.isDirectory()) {
          this.putDirectory(name, (await fs.stat(full)).mode & 0o7777);
          await walk(full, name);
        } else if (child.isFile()) {
          const [stat, content] = await Promise.all([fs.stat(full), fs.readFile(full)]);
          this.putFile(name, LF_ONLY.test(name) ? crlfToLf(content) : content, stat.mode & 0o7777);
        }
      }
    };
    await walk(root, '');
    return this;
  }

  /** Config files given in memory (generated config.yaml, credentials). */
  addFiles(files: Readonly<Record<string, string>> | undefined): this {
    for (const [name, content] of Object.entries(files ?? {})) {
      this.putFile(name, Buffer.from(content, 'utf8'));
    }
    return this;
  }

  /** The tar stream Docker extracts at `/configs`: owned by root, directories first. */
  async pack(): Promise<Buffer> {
    const pack = tar.pack();
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      pack.on('data', (chunk) => chunks.push(chunk as Buffer));
      pack.on('end', () => resolve(Buffer.concat(chunks)));
      pack.on('error', reject);
    });
    const mtime = new Date();
    for (const entry of this.entries.values()) {
      const header = { name: entry.name, mode: entry.mode, uid: 0, gid: 0, mtime };
      if (entry.type === 'directory') pack.entry({ ...header, type: 'directory' });
      else pack.entry({ ...header, type: 'file', size: entry.content!.length }, entry.content!);
    }
    pack.finalize();
    return done;
  }
}

/** `a/./b` → `a/b`; absolute names and names leaving the root are refused. */
export function cleanName(name: string): string {
  const clean = path.posix.normalize(name.replace(/\\/g, '/')).replace(/^(\.\/)+/, '');
  if (clean === '' || clean === '.' || clean.startsWith('/') || clean.split('/').includes('..')) {
    throw new Error(`config file name ${JSON.stringify(name)} is outside /configs`);
  }
  return clean.replace(/\/+$/, '');
}

export function modeFor(name: string): number {
  return CONFIG_CREDENTIAL_FILES.has(path.posix.basename(name)) ? 0o600 : 0o644;
}

function crlfToLf(content: Buffer): Buffer {
  return content.includes('\r\n')
    ? Buffer.from(content.toString('latin1').replace(/\r\n/g, '\n'), 'latin1')
    : content;
}

/**
 * The first entry of a tar stream (what the engine answers for a single path) when it is a
 * regular file; `undefined` for a directory, link or empty archive.
 */
export async function readSingleFile(stream: NodeJS.ReadableStream): Promise<Buffer | undefined> {
  const extract = tar.extract();
  stream.pipe(extract);
  let first: Buffer | undefined | null = null;
  // Read to the end, so the engine's connection is released whole.
  for await (const entry of extract) {
    const keep: boolean = first === null && entry.header.type === 'file';
    const chunks: Buffer[] = [];
    for await (const chunk of entry) if (keep) chunks.push(chunk as Buffer);
    if (first === null) first = keep ? Buffer.concat(chunks) : undefined;
  }
  return first ?? undefined;
}

/**
 * The regular files of the archive the engine answers for a directory (its entries are
 * `<dir name>/…`), as paths under `prefix`; `undefined` when the path is not a directory.
 * Links are listed by nobody: only regular files count.
 */
export async function filesOfDirectory(
  stream: NodeJS.ReadableStream,
  prefix: string,
): Promise<string[] | undefined> {
  const extract = tar.extract();
  stream.pipe(extract);
  const files: string[] = [];
  let isDirectory: boolean | undefined;
  // Read to the end, so the engine's connection is released whole.
  for await (const entry of extract) {
    isDirectory ??= entry.header.type === 'directory';
    const [, ...rest] = entry.header.name.replace(/\/+$/, '').split('/');
    if (entry.header.type === 'file' && rest.length > 0) files.push(`${prefix}/${rest.join('/')}`);
    entry.resume();
  }
  return isDirectory ? files.sort() : undefined;
}
