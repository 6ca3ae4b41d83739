import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { gzippedTarball, TarEntry, tarball } from '../../../test/support/tarball';
import { PluginTooLargeError, UnsafePluginArchiveError } from './plugin-source';
import { extractRepositoryTarball } from './repository-tarball';

describe('extractRepositoryTarball', () => {
  let base: string;
  let dst: string;

  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-tarball-'));
    dst = path.join(base, 'dst');
    fs.mkdirSync(dst);
  });

  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  const extract = async (
    archive: Buffer,
    limits = { maxBytes: 1024 * 1024, maxEntries: 100 },
    signal = new AbortController().signal,
  ) => extractRepositoryTarball(Readable.from([archive]), dst, limits, signal);
  const extractEntries = async (
    entries: TarEntry[],
    limits?: { maxBytes: number; maxEntries: number },
  ) => extract(await gzippedTarball(entries), limits);
  const written = () => {
    const all: string[] = [];
    const walk = (dir: string, prefix: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const rel = prefix + entry.name;
        all.push(entry.isDirectory() ? `${rel}/` : rel);
        if (entry.isDirectory()) walk(path.join(dir, entry.name), `${rel}/`);
      }
    };
    walk(dst, '');
    return all.sort();
  };

  it('unpacks files and directories below the top-level directory', async () => {
    await extractEntries([
      { name: 'top/', type: 'directory' },
      { name: 'top/a.txt', content: 'a' },
      { name: 'top/deep/er/b.txt', content: 'b' },
      { name: 'top/empty/', type: 'directory' },
    ]);
    expect(written()).toEqual(['a.txt', 'deep/', 'deep/er/', 'deep/er/b.txt', 'empty/']);
  });

  it('skips symbolic and hard links instead of creating them', async () => {
    fs.writeFileSync(path.join(base, 'host-secret'), 'secret');
    await extractEntries([
      { name: 'top/ok.txt', content: 'ok' },
      { name: 'top/link', type: 'symlink', linkname: path.join(base, 'host-secret') },
      { name: 'top/hard', type: 'link', linkname: '/etc/passwd' },
    ]);
    expect(written()).toEqual(['ok.txt']);
  });

  it.each([
    ['a .. segment', 'top/../../escape.txt'],
    ['a .. in the middle', 'top/a/../../../escape.txt'],
    ['an absolute name', '/etc/cron.d/evil'],
    ['a drive letter', 'C:/evil'],
    ['a backslash', 'top\\..\\evil'],
  ])('refuses the whole archive for %s', async (_label, name) => {
    const err = await extractEntries([
      { name: 'top/fine.txt', content: 'fine' },
      { name, content: 'evil' },
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafePluginArchiveError);
    expect(fs.existsSync(path.join(base, 'escape.txt'))).toBe(false);
  });

  it('refuses entries outside the top-level directory', async () => {
    await expect(
      extractEntries([
        { name: 'top/a', content: 'a' },
        { name: 'other/b', content: 'b' },
      ]),
    ).rejects.toBeInstanceOf(UnsafePluginArchiveError);
  });

  it('stops past the unpacked byte limit (a compression bomb)', async () => {
    const bomb = await gzippedTarball([
      { name: 'top/zeros', content: Buffer.alloc(2 * 1024 * 1024) },
    ]);
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expect(extract(bomb, { maxBytes: 1024 * 1024, maxEntries: 10 })).rejects.toBeInstanceOf(
      PluginTooLargeError,
    );
  });

  it('stops past the compressed byte limit', async () => {
    // Stored, not compressed: 1.5 KiB of tar headers on the wire, no file bytes at all.
    const stored = gzipSync(await tarball([{ name: 'top/empty', content: '' }]), { level: 0 });
    expect(stored.length).toBeGreaterThan(1000);
    await expect(extract(stored, { maxBytes: 1000, maxEntries: 10 })).rejects.toBeInstanceOf(
      PluginTooLargeError,
    );
    await expect(
      extract(stored, { maxBytes: stored.length, maxEntries: 10 }),
    ).resolves.toBeUndefined();
  });

  it('stops past the entry limit', async () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({ name: `top/f${i}`, content: '' }));
    await expect(
      extractEntries(entries, { maxBytes: 1024 * 1024, maxEntries: 10 }),
    ).rejects.toBeInstanceOf(PluginTooLargeError);
  });

  it('fails on something that is not a gzip archive', async () => {
    await expect(extract(Buffer.from('<html>not a tarball</html>'))).rejects.toThrow();
    await expect(extract(await tarball([{ name: 'top/a', content: 'a' }]))).rejects.toThrow();
  });

  it('fails on a truncated archive', async () => {
    const archive = gzipSync(await tarball([{ name: 'top/a', content: 'x'.repeat(10_000) }]));
    await expect(extract(archive.subarray(0, archive.length / 2))).rejects.toThrow();
  });
});
