import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listTreeFiles, treeExceeds } from './file-tree';

describe('file trees', () => {
  let root: string;
  const write = (rel: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-file-tree-'));
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  describe('treeExceeds', () => {
    it('counts file bytes across subdirectories; equal to the cap fits', async () => {
      expect(await treeExceeds(root, 0)).toBe(false);
      write('a', '12345');
      write('sub/b', '67890');
      expect(await treeExceeds(root, 10)).toBe(false);
      expect(await treeExceeds(root, 9)).toBe(true);
    });

    it('does not count what a link points to', async () => {
      const big = path.join(os.tmpdir(), `molecule-big-${process.pid}`);
      fs.writeFileSync(big, 'x'.repeat(100));
      try {
        fs.symlinkSync(big, path.join(root, 'link'));
        expect(await treeExceeds(root, 10)).toBe(false);
      } finally {
        fs.rmSync(big);
      }
    });
  });

  it('listTreeFiles lists regular files by relative path, links left out', async () => {
    write('b/c.txt', 'c');
    write('a.txt', 'aa');
    fs.symlinkSync(path.join(root, 'a.txt'), path.join(root, 'link'));
    expect((await listTreeFiles(root)).map((f) => [f.relPath, f.size])).toEqual([
      ['a.txt', 2],
      ['b/c.txt', 1],
    ]);
  });
});
