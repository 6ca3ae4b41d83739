import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import {
  cleanName,
  ConfigArchive,
  filesOfDirectory,
  modeFor,
  readSingleFile,
} from './config-archive';

interface Entry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  content: string;
}

async function entries(archive: Buffer): Promise<Entry[]> {
  const extract = tar.extract();
  Readable.from([archive]).pipe(extract);
  const out: Entry[] = [];
  for await (const e of extract) {
    const chunks: Buffer[] = [];
    for await (const c of e) chunks.push(c as Buffer);
    out.push({
      name: e.header.name,
      type: e.header.type ?? '',
      mode: (e.header.mode ?? 0) & 0o7777,
      uid: e.header.uid ?? -1,
      content: Buffer.concat(chunks).toString(),
    });
  }
  return out;
}

describe('ConfigArchive', () => {
  it('writes credentials 0600, other files 0644, every ancestor directory 0755, as root', async () => {
    const archive = new ConfigArchive().addFiles({
      'config.yaml': 'name: x\n',
      '.auth_token': 'tok',
      '.platform_inbound_secret': 'sec',
      'skills/echo/SKILL.md': '# echo',
    });
    expect(await entries(await archive.pack())).toEqual([
      { name: 'config.yaml', type: 'file', mode: 0o644, uid: 0, content: 'name: x\n' },
      { name: '.auth_token', type: 'file', mode: 0o600, uid: 0, content: 'tok' },
      { name: '.platform_inbound_secret', type: 'file', mode: 0o600, uid: 0, content: 'sec' },
      { name: 'skills', type: 'directory', mode: 0o755, uid: 0, content: '' },
      { name: 'skills/echo', type: 'directory', mode: 0o755, uid: 0, content: '' },
      { name: 'skills/echo/SKILL.md', type: 'file', mode: 0o644, uid: 0, content: '# echo' },
    ]);
  });

  it('lets a later file of the same name replace an earlier one', async () => {
    const archive = new ConfigArchive()
      .putFile('config.yaml', Buffer.from('old'))
      .addFiles({ './config.yaml': 'new' });
    expect(archive.file('config.yaml')?.toString()).toBe('new');
    expect((await entries(await archive.pack())).map((e) => e.content)).toEqual(['new']);
    expect(new ConfigArchive().isEmpty).toBe(true);
  });

  it('copies a template tree: modes kept, CRLF fixed in .sh/.py/.md only, links skipped', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'archive-spec-'));
    try {
      fs.writeFileSync(path.join(dir, 'config.yaml'), 'a: 1\r\n');
      fs.mkdirSync(path.join(dir, 'bin'), { mode: 0o750 });
      fs.chmodSync(path.join(dir, 'bin'), 0o750);
      fs.writeFileSync(path.join(dir, 'bin', 'run.sh'), 'echo\r\n', { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'tool.py'), 'x = 1\r\n');
      fs.writeFileSync(path.join(dir, 'README.md'), '# hi\r\n');
      fs.symlinkSync('/etc/passwd', path.join(dir, 'link'));
      const archive = await new ConfigArchive().addTemplate(dir);
      const byName = new Map((await entries(await archive.pack())).map((e) => [e.name, e]));
      expect([...byName.keys()].sort()).toEqual(
        ['README.md', 'bin', 'bin/run.sh', 'config.yaml', 'tool.py'].sort(),
      );
      expect(byName.get('bin')).toMatchObject({ type: 'directory', mode: 0o750 });
      expect(byName.get('bin/run.sh')).toMatchObject({ mode: 0o755, content: 'echo\n' });
      expect(byName.get('tool.py')?.content).toBe('x = 1\n');
      expect(byName.get('README.md')?.content).toBe('# hi\n');
      expect(byName.get('config.yaml')?.content).toBe('a: 1\r\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['/etc/passwd', '../x', 'a/../../x', '', '.', 'a/../..'])(
    'refuses %p: outside /configs',
    (name) => {
      expect(() => cleanName(name)).toThrow(/outside \/configs/);
    },
  );

  it('cleans names that stay inside', () => {
    expect(cleanName('./a//b/./c')).toBe('a/b/c');
    expect(cleanName('a/../b')).toBe('b');
    expect(cleanName('dir/')).toBe('dir');
    expect(modeFor('nested/.auth_token')).toBe(0o600);
  });
});

describe('readSingleFile', () => {
  it('returns the first entry when it is a regular file', async () => {
    const archive = await new ConfigArchive().addFiles({ 'a.txt': 'hello' }).pack();
    expect((await readSingleFile(Readable.from([archive])))?.toString()).toBe('hello');
  });

  it('returns undefined for a directory or an empty archive', async () => {
    const dir = await new ConfigArchive().putDirectory('d').pack();
    expect(await readSingleFile(Readable.from([dir]))).toBeUndefined();
    const empty = await new ConfigArchive().pack();
    expect(await readSingleFile(Readable.from([empty]))).toBeUndefined();
  });
});

describe('filesOfDirectory', () => {
  const archiveOf = async (
    entries: { name: string; type?: 'file' | 'directory' | 'symlink' }[],
  ) => {
    const pack = tar.pack();
    for (const e of entries) {
      if ((e.type ?? 'file') === 'file') pack.entry({ name: e.name }, 'x');
      else pack.entry({ name: e.name, type: e.type, linkname: '/etc/passwd' });
    }
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of pack) chunks.push(chunk as Buffer);
    return Readable.from([Buffer.concat(chunks)]);
  };

  it("lists the directory's regular files under the prefix, sorted", async () => {
    const archive = await archiveOf([
      { name: 'plugins/', type: 'directory' },
      { name: 'plugins/b/', type: 'directory' },
      { name: 'plugins/b/plugin.yaml' },
      { name: 'plugins/a/skills/x/SKILL.md' },
      { name: 'plugins/link', type: 'symlink' },
    ]);
    expect(await filesOfDirectory(archive, 'plugins')).toEqual([
      'plugins/a/skills/x/SKILL.md',
      'plugins/b/plugin.yaml',
    ]);
  });

  it('answers undefined for a path that is a file', async () => {
    expect(
      await filesOfDirectory(await archiveOf([{ name: 'plugins' }]), 'plugins'),
    ).toBeUndefined();
  });
});
