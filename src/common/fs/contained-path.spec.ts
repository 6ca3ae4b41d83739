import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ContainedReadError,
  readTextInsideRoot,
  resolveInsideRoot,
  resolveRealInsideRoot,
} from './contained-path';

describe('resolveInsideRoot', () => {
  let root: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-contained-'));
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it.each([
    ['hermes', 'hermes'],
    ['a/../b', 'b'],
    ['./nested/dir/', 'nested/dir'],
    ['..foo', '..foo'],
    ['.', ''],
  ])('%p stays inside → <root>/%s', (userPath, expected) => {
    expect(resolveInsideRoot(root, userPath)).toBe(path.join(root, expected));
  });

  it.each([
    ['empty', ''],
    ['absolute', '/etc/passwd'],
    ['parent', '..'],
    ['escape', '../x'],
    ['escape after a subdir', 'a/../../x'],
  ])('rejects the %s path %p', (_label, userPath) => {
    expect(resolveInsideRoot(root, userPath)).toBeNull();
  });

  it('rejects a sibling directory whose name extends the root name', () => {
    expect(resolveInsideRoot(root, `../${path.basename(root)}-sibling/t`)).toBeNull();
  });

  it('accepts a relative root', () => {
    expect(resolveInsideRoot('configs', 'hermes')).toBe(path.resolve('configs', 'hermes'));
  });

  it('is lexical: a symlink inside the root is not followed', () => {
    fs.symlinkSync(os.tmpdir(), path.join(root, 'link'));
    expect(resolveInsideRoot(root, 'link')).toBe(path.join(root, 'link'));
    expect(resolveInsideRoot(root, 'link/..')).toBe(root);
  });
});

describe('resolveRealInsideRoot', () => {
  let base: string;
  let root: string;

  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-real-'));
    root = path.join(base, 'root');
    fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(base, 'secret.txt'), 'outside');
    fs.writeFileSync(path.join(root, 'sub', 'inside.txt'), 'inside');
  });

  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('accepts plain files, missing files and links that stay inside', () => {
    fs.symlinkSync(path.join(root, 'sub'), path.join(root, 'alias'));
    expect(resolveRealInsideRoot(root, 'sub/inside.txt')).toBe(path.join(root, 'sub/inside.txt'));
    expect(resolveRealInsideRoot(root, 'sub/missing.txt')).toBe(path.join(root, 'sub/missing.txt'));
    expect(resolveRealInsideRoot(root, 'alias/inside.txt')).toBe(
      path.join(root, 'alias/inside.txt'),
    );
  });

  it('refuses a file link or a directory link that points out of the root', () => {
    fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'leak.txt'));
    fs.symlinkSync(base, path.join(root, 'up'));
    expect(resolveRealInsideRoot(root, 'leak.txt')).toBeNull();
    expect(resolveRealInsideRoot(root, 'up/secret.txt')).toBeNull();
    expect(resolveRealInsideRoot(root, 'up/not-there.txt')).toBeNull();
  });

  it('keeps the lexical refusals', () => {
    expect(resolveRealInsideRoot(root, '../secret.txt')).toBeNull();
    expect(resolveRealInsideRoot(root, path.join(base, 'secret.txt'))).toBeNull();
    expect(resolveRealInsideRoot(root, '')).toBeNull();
  });

  it('works when the root itself is reached through a link', () => {
    const linkedRoot = path.join(base, 'linked-root');
    fs.symlinkSync(root, linkedRoot);
    expect(resolveRealInsideRoot(linkedRoot, 'sub/inside.txt')).toBe(
      path.join(linkedRoot, 'sub/inside.txt'),
    );
  });
});

describe('readTextInsideRoot', () => {
  let base: string;

  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-read-'));
    fs.mkdirSync(path.join(base, 'root/dir'), { recursive: true });
    fs.writeFileSync(path.join(base, 'root/prompt.md'), 'hello\r\nworld');
    fs.writeFileSync(path.join(base, 'outside.md'), 'secret');
  });

  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  const read = (userPath: string, max = 64) =>
    readTextInsideRoot(path.join(base, 'root'), userPath, max);
  const reason = (userPath: string, max = 64) => {
    try {
      read(userPath, max);
    } catch (err) {
      expect(err).toBeInstanceOf(ContainedReadError);
      return (err as ContainedReadError).reason;
    }
    throw new Error('expected a ContainedReadError');
  };

  it('returns the content verbatim', () => {
    expect(read('prompt.md')).toBe('hello\r\nworld');
    expect(read('prompt.md', 12)).toBe('hello\r\nworld');
  });

  it.each([
    ['../outside.md', 'escapes root'],
    ['/etc/hostname', 'escapes root'],
    ['missing.md', 'not found'],
    ['dir', 'not a file'],
  ])('%p → %s', (userPath, expected) => {
    expect(reason(userPath)).toBe(expected);
  });

  it('refuses a file over the limit', () => {
    expect(reason('prompt.md', 11)).toBe('too large');
  });

  it('refuses a link to a file outside the root', () => {
    fs.symlinkSync(path.join(base, 'outside.md'), path.join(base, 'root/link.md'));
    expect(reason('link.md')).toBe('escapes root');
  });
});
