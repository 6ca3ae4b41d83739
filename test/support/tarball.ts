import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';

export interface TarEntry {
  readonly name: string;
  readonly type?: 'file' | 'directory' | 'symlink' | 'link';
  readonly content?: string | Buffer;
  readonly linkname?: string;
  readonly mode?: number;
}

/** A tar archive of `entries`, exactly as given (hostile names included). */
export async function tarball(entries: readonly TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const header = { name: entry.name, type, linkname: entry.linkname, mode: entry.mode ?? 0o644 };
    if (type === 'file') pack.entry(header, Buffer.from(entry.content ?? ''));
    else pack.entry(header);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `tarball` gzip-compressed, as GitHub serves repository archives. */
export async function gzippedTarball(entries: readonly TarEntry[]): Promise<Buffer> {
  return gzipSync(await tarball(entries));
}
