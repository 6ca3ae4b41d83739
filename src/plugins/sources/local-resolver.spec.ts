import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalResolver } from './local-resolver';
import { PluginNotFoundError, PluginTooLargeError } from './plugin-source';

describe('LocalResolver', () => {
  let base: string;
  let registry: string;
  let dst: string;
  const signal = () => new AbortController().signal;

  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-local-resolver-'));
    registry = path.join(base, 'plugins');
    dst = path.join(base, 'dst');
    fs.mkdirSync(path.join(registry, 'my-plugin/skills/review'), { recursive: true });
    fs.mkdirSync(dst);
    fs.writeFileSync(path.join(registry, 'my-plugin/plugin.yaml'), 'version: 1.0.0\n');
    fs.writeFileSync(path.join(registry, 'my-plugin/skills/review/SKILL.md'), '# Review\n');
    fs.writeFileSync(path.join(registry, 'not-a-dir'), 'file');
    fs.writeFileSync(path.join(base, 'secret.txt'), 'host secret');
  });

  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  const resolver = (maxBytes = 1024 * 1024) => new LocalResolver(registry, maxBytes);

  it('has the local scheme', () => {
    expect(resolver().scheme).toBe('local');
  });

  it('copies the nested tree and returns the name', async () => {
    await expect(resolver().fetch(' my-plugin ', dst, signal())).resolves.toBe('my-plugin');
    expect(fs.readFileSync(path.join(dst, 'plugin.yaml'), 'utf8')).toBe('version: 1.0.0\n');
    expect(fs.readFileSync(path.join(dst, 'skills/review/SKILL.md'), 'utf8')).toBe('# Review\n');
  });

  it.each([[''], ['   '], ['../evil'], ['foo/bar'], ['..'], ['./hidden'], ['foo\\bar'], ['Upper']])(
    'refuses the name %p before touching the disk',
    async (name) => {
      const err = await resolver()
        .fetch(name, dst, signal())
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(PluginNotFoundError);
    },
  );

  it('accepts 128 characters and refuses 129', async () => {
    const long = 'a'.repeat(128);
    await expect(resolver().fetch(long, dst, signal())).rejects.toBeInstanceOf(PluginNotFoundError);
    await expect(resolver().fetch('a'.repeat(129), dst, signal())).rejects.toThrow(/invalid/);
  });

  it('reports a missing plugin as not found', async () => {
    const err = await resolver()
      .fetch('absent', dst, signal())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginNotFoundError);
    expect((err as Error).message).toContain('not found');
  });

  it('refuses a plain file', async () => {
    await expect(resolver().fetch('not-a-dir', dst, signal())).rejects.toThrow('not a directory');
  });

  it('does not report other stat failures as not found', async () => {
    // The registry path is a file: the lookup fails with ENOTDIR, not ENOENT.
    const broken = new LocalResolver(path.join(registry, 'not-a-dir'), 1024);
    const err = await broken.fetch('my-plugin', dst, signal()).catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toBe('ENOTDIR');
    expect(err).not.toBeInstanceOf(PluginNotFoundError);
  });

  it('refuses a registry entry that links out of the registry', async () => {
    fs.symlinkSync(base, path.join(registry, 'escape'));
    await expect(resolver().fetch('escape', dst, signal())).rejects.toThrow(/escapes/);
    expect(fs.readdirSync(dst)).toEqual([]);
  });

  it('skips links inside a plugin instead of following them', async () => {
    fs.symlinkSync(path.join(base, 'secret.txt'), path.join(registry, 'my-plugin/leak.txt'));
    await resolver().fetch('my-plugin', dst, signal());
    expect(fs.existsSync(path.join(dst, 'leak.txt'))).toBe(false);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(resolver().fetch('my-plugin', dst, controller.signal)).rejects.toThrow();
    expect(fs.existsSync(path.join(dst, 'plugin.yaml'))).toBe(false);
  });

  it('stops copying past the size limit', async () => {
    await expect(resolver(10).fetch('my-plugin', dst, signal())).rejects.toBeInstanceOf(
      PluginTooLargeError,
    );
  });

  it('surfaces copy failures', async () => {
    fs.writeFileSync(path.join(dst, 'plugin.yaml'), 'already here');
    await expect(resolver().fetch('my-plugin', dst, signal())).rejects.toThrow(/EEXIST/);
  });
});
