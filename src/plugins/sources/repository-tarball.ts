import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { isInside } from '../../common/fs/contained-path';
import { PluginTooLargeError, UnsafePluginArchiveError } from './plugin-source';

export interface ArchiveLimits {
  /** Compressed bytes read, and unpacked file bytes written, each at most this. */
  readonly maxBytes: number;
  /** Entries of any kind (skipped ones included). */
  readonly maxEntries: number;
}

/** Plenty for any real plugin; a flood of empty entries is refused before it costs much. */
export const DEFAULT_MAX_ARCHIVE_ENTRIES = 10_000;

/**
 * Unpacks a gzip-compressed repository tarball (GitHub's layout: one top-level directory
 * holding the tree) into the existing `dst`, streamed, without the top-level directory.
 * Only directories and regular files are written; links and devices are skipped. An entry
 * with an absolute name, a `..` segment or outside the top-level directory refuses the whole
 * archive (`UnsafePluginArchiveError`); exceeding a limit is a `PluginTooLargeError`.
 * On failure `dst` may hold a partial tree: the caller owns and removes it.
 */
export async function extractRepositoryTarball(
  gzipped: Readable,
  dst: string,
  limits: ArchiveLimits,
  signal: AbortSignal,
): Promise<void> {
  const extract = tar.extract();
  const feeding = pipeline(gzipped, new ByteMeter(limits.maxBytes), createGunzip(), extract, {
    signal,
  });
  feeding.catch(() => undefined); // surfaced through the entry iterator below
  let entries = 0;
  let written = 0;
  let topLevel: string | undefined;
  try {
    for await (const entry of extract) {
      if (++entries > limits.maxEntries) throw new PluginTooLargeError();
      const segments = entrySegments(entry.header.name);
      topLevel ??= segments[0];
      if (segments[0] !== topLevel)
        throw new UnsafePluginArchiveError('entry outside the top-level directory');
      const relative = segments.slice(1);
      const target = path.join(dst, ...relative);
      if (!isInside(dst, target)) throw new UnsafePluginArchiveError('entry escapes the root');
      const type = entry.header.type;
      if (relative.length > 0 && type === 'directory') {
        await fs.promises.mkdir(target, { recursive: true });
      } else if (relative.length > 0 && (type === 'file' || type === 'contiguous-file')) {
        await fs.promises.mkdir(path.dirname(target), { recursive: true });
        const mode = (entry.header.mode ?? 0o644) & 0o111 ? 0o755 : 0o644;
        await pipeline(
          entry,
          new Transform({
            transform(chunk: Buffer, _encoding, callback: TransformCallback) {
              written += chunk.length;
              callback(written > limits.maxBytes ? new PluginTooLargeError() : null, chunk);
            },
          }),
          fs.createWriteStream(target, { mode }),
        );
        continue;
      }
      entry.resume();
    }
    await feeding;
  } catch (err) {
    gzipped.destroy();
    extract.destroy();
    throw err;
  }
}

/** The `/`-separated segments of an entry name; hostile names refuse the archive. */
function entrySegments(name: string): string[] {
  if (
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.includes('\\') ||
    name.includes('\0')
  ) {
    throw new UnsafePluginArchiveError('absolute or malformed entry name');
  }
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new UnsafePluginArchiveError('entry name contains ..');
  if (segments.length === 0) throw new UnsafePluginArchiveError('empty entry name');
  return segments;
}

/** Fails the stream once more than `limit` bytes have passed through it. */
class ByteMeter extends Transform {
  private seen = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    callback(this.seen > this.limit ? new PluginTooLargeError() : null, chunk);
  }
}
