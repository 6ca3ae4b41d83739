import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveInsideRoot } from './template-paths';

describe('resolveInsideRoot', () => {
  let root: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-templates-'));
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
