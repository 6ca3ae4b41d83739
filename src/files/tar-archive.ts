import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';

/** A regular file for an archive: bytes in memory, or a stream opened when its turn comes. */
export interface ArchiveFile {
  readonly name: string;
  readonly size: number;
  readonly content: Buffer | (() => Readable);
}

export interface ArchiveDirectory {
  readonly name: string;
  readonly directory: true;
}

export type ArchiveEntry = ArchiveFile | ArchiveDirectory;

export interface ArchiveOptions {
  readonly mtime: Date;
  /** Mode of regular files (directories are 0755). */
  readonly fileMode: number;
}

/**
 * A tar stream of `entries`, produced as it is read: file streams are opened one at a time and
 * piped through, so an archive of large files never sits in memory. A file stream that fails
 * (or delivers a different size) breaks the archive off with that error.
 */
export function packArchive(entries: Iterable<ArchiveEntry>, options: ArchiveOptions): Readable {
  const pack = tar.pack();
  const base = { mtime: options.mtime, uid: 0, gid: 0 };
  void (async () => {
    for (const entry of entries) {
      if ('directory' in entry) {
        pack.entry({ ...base, name: entry.name, type: 'directory', mode: 0o755 });
        continue;
      }
      const header = {
        ...base,
        name: entry.name,
        type: 'file' as const,
        mode: options.fileMode,
        size: entry.size,
      };
      if (Buffer.isBuffer(entry.content)) pack.entry(header, entry.content);
      else await pipeline(entry.content(), pack.entry(header));
    }
    pack.finalize();
  })().catch((err: Error) => pack.destroy(err));
  // tar-stream produces a streamx stream; callers get a Node one (errors carried over).
  return Readable.from(pack);
}
