import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { AGENT_USER, gzipTree, tarFiles, tarTree } from './tree-archive';

/** A file whose path contains this cannot be opened (the read fails mid-archive). */
const mockUnreadable = { pattern: '' };
jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  return {
    ...actual,
    createReadStream: (file: string, ...rest: unknown[]) =>
      mockUnreadable.pattern !== '' && String(file).includes(mockUnreadable.pattern)
        ? actual.createReadStream('/nonexistent/molecule-unreadable')
        : (actual.createReadStream as (...args: unknown[]) => fs.ReadStream)(file, ...rest),
  };
});

async function entries(archive: Readable | Buffer) {
  const extract = tar.extract();
  (Buffer.isBuffer(archive) ? Readable.from([archive]) : archive).pipe(extract);
  const out: { name: string; type: string; uid: number; content: string; mode: number }[] = [];
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    out.push({
      name: entry.header.name,
      type: String(entry.header.type),
      uid: entry.header.uid ?? -1,
      mode: entry.header.mode ?? 0,
      content: Buffer.concat(chunks).toString(),
    });
  }
  return out;
}

describe('tree archives', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-archive-'));
    fs.mkdirSync(path.join(root, 'skills/review'), { recursive: true });
    fs.writeFileSync(path.join(root, 'plugin.yaml'), 'version: 1\n');
    fs.writeFileSync(path.join(root, 'skills/review/SKILL.md'), '# R\n');
    fs.writeFileSync(path.join(root, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    fs.symlinkSync('/etc/passwd', path.join(root, 'leak'));
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('tarTree prefixes every entry, owns it by the agent user and skips links', async () => {
    const list = await entries(tarTree(root, 'plugins/review/', AGENT_USER));
    expect(list.map((e) => `${e.type} ${e.name}`)).toEqual([
      'directory plugins/',
      'directory plugins/review/',
      'file plugins/review/plugin.yaml',
      'file plugins/review/run.sh',
      'directory plugins/review/skills/',
      'directory plugins/review/skills/review/',
      'file plugins/review/skills/review/SKILL.md',
    ]);
    expect(new Set(list.map((e) => e.uid))).toEqual(new Set([1000]));
    expect(list.find((e) => e.name.endsWith('run.sh'))?.mode).toBe(0o755);
    expect(list.find((e) => e.name.endsWith('plugin.yaml'))?.content).toBe('version: 1\n');
  });

  it('gzipTree is a gzip tarball with paths relative to the root', async () => {
    const archive = await gzipTree(root);
    expect(archive.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const list = await entries(gunzipSync(archive));
    expect(list.map((e) => e.name)).toEqual([
      'plugin.yaml',
      'run.sh',
      'skills/',
      'skills/review/',
      'skills/review/SKILL.md',
    ]);
  });

  it('gzipTree fails (never a partial archive) when a file cannot be read', async () => {
    fs.writeFileSync(path.join(root, 'unreadable.md'), 'x');
    mockUnreadable.pattern = 'unreadable.md';
    try {
      await expect(gzipTree(root)).rejects.toThrow(/ENOENT/);
    } finally {
      mockUnreadable.pattern = '';
    }
  });

  it('tarFiles creates parent directories once', async () => {
    const list = await entries(
      tarFiles({ 'a/b/c.md': 'c', 'a/d.md': 'd', 'top.md': 't' }, AGENT_USER),
    );
    expect(list.map((e) => `${e.type} ${e.name}`)).toEqual([
      'directory a/',
      'directory a/b/',
      'file a/b/c.md',
      'file a/d.md',
      'file top.md',
    ]);
  });
});
