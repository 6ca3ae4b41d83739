import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import * as tar from 'tar-stream';

export interface ArchiveOwner {
  readonly uid: number;
  readonly gid: number;
}

/** The runtime's user inside workspace containers: delivered plugins belong to it. */
export const AGENT_USER: ArchiveOwner = { uid: 1000, gid: 1000 };

/**
 * A tar stream of the directories and regular files under `root`, named `<prefix><relative
 * path>` (a `prefix` ends with `/`; its own directories come first). Symbolic links and
 * special files are left out, so the archive never carries anything from outside `root`.
 */
export function tarTree(root: string, prefix: string, owner: ArchiveOwner): Readable {
  const pack = tar.pack();
  const base = { uid: owner.uid, gid: owner.gid, mtime: new Date() };
  const walk = async (dir: string, relative: string): Promise<void> => {
    const entries = await fs.promises.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      const name = `${prefix}${relative}${entry.name}`;
      if (entry.isDirectory()) {
        pack.entry({ ...base, name: `${name}/`, type: 'directory', mode: 0o755 });
        await walk(abs, `${relative}${entry.name}/`);
      } else if (entry.isFile()) {
        const { size, mode } = await fs.promises.lstat(abs);
        const file = pack.entry({
          ...base,
          name,
          size,
          type: 'file',
          mode: mode & 0o111 ? 0o755 : 0o644,
        });
        await pipeline(fs.createReadStream(abs), file);
      }
    }
  };
  (async () => {
    const parts = prefix.split('/').filter((p) => p !== '');
    for (let i = 1; i <= parts.length; i++) {
      pack.entry({
        ...base,
        name: `${parts.slice(0, i).join('/')}/`,
        type: 'directory',
        mode: 0o755,
      });
    }
    await walk(root, '');
    pack.finalize();
  })().catch((err: unknown) => pack.destroy(err as Error));
  return Readable.from(pack);
}

/** A tar stream of in-memory files (each created with its parent directories). */
export function tarFiles(
  files: Readonly<Record<string, string | Buffer>>,
  owner: ArchiveOwner,
): Readable {
  const pack = tar.pack();
  const base = { uid: owner.uid, gid: owner.gid, mtime: new Date() };
  const dirs = new Set<string>();
  for (const [name, content] of Object.entries(files)) {
    const parts = name.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const dir = `${parts.slice(0, i).join('/')}/`;
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      pack.entry({ ...base, name: dir, type: 'directory', mode: 0o755 });
    }
    pack.entry({ ...base, name, type: 'file', mode: 0o644 }, Buffer.from(content));
  }
  pack.finalize();
  return Readable.from(pack);
}

/** The whole tree as an in-memory `.tar.gz` (entries relative to `root`). */
export async function gzipTree(root: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  await pipeline(tarTree(root, '', { uid: 0, gid: 0 }), createGzip(), sink);
  return Buffer.concat(chunks);
}
