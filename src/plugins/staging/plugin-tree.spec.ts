import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listTreeFiles } from '../../common/fs/file-tree';
import { manifestIntact, pluginYamlDigest, treeDigest } from './plugin-tree';

describe('plugin tree helpers', () => {
  let root: string;
  const write = (rel: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-tree-'));
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  describe('treeDigest / manifestIntact', () => {
    it('hashes "<path>\\0<bytes>" of every file but manifest.json, in path order', async () => {
      write('plugin.yaml', 'p');
      write('skills/a/SKILL.md', 's');
      write('manifest.json', '{}');
      const expected = createHash('sha256')
        .update('plugin.yaml\0p')
        .update('skills/a/SKILL.md\0s')
        .digest('hex');
      expect(await treeDigest(root)).toBe(expected);
      expect((await listTreeFiles(root)).map((f) => f.relPath)).toEqual([
        'manifest.json',
        'plugin.yaml',
        'skills/a/SKILL.md',
      ]);
    });

    it('passes without a manifest or without sha256, and checks it when present', async () => {
      write('plugin.yaml', 'p');
      expect(await manifestIntact(root)).toBe(true);
      write('manifest.json', '{"name":"x"}');
      expect(await manifestIntact(root)).toBe(true);
      write('manifest.json', JSON.stringify({ sha256: (await treeDigest(root)).toUpperCase() }));
      expect(await manifestIntact(root)).toBe(true);
      write('plugin.yaml', 'tampered');
      expect(await manifestIntact(root)).toBe(false);
    });

    it.each([['{oops'], ['[]'], ['{"sha256": 1}'], ['null']])(
      'fails the manifest %p',
      async (text) => {
        write('manifest.json', text);
        expect(await manifestIntact(root)).toBe(false);
      },
    );
  });

  describe('pluginYamlDigest', () => {
    it('hashes plugin.yaml, and ignores a link in its place', async () => {
      expect(await pluginYamlDigest(root)).toBeUndefined();
      write('real.yaml', 'v');
      fs.symlinkSync(path.join(root, 'real.yaml'), path.join(root, 'plugin.yaml'));
      expect(await pluginYamlDigest(root)).toBeUndefined();
      fs.rmSync(path.join(root, 'plugin.yaml'));
      write('plugin.yaml', 'v');
      expect(await pluginYamlDigest(root)).toBe(createHash('sha256').update('v').digest('hex'));
    });
  });
});
