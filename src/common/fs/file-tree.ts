import * as fs from 'node:fs';
import * as path from 'node:path';

/** A regular file of a tree: its `/`-separated path relative to the tree root. */
export interface TreeFile {
  readonly relPath: string;
  readonly absPath: string;
  readonly size: number;
}

/**
 * Every regular file under `root`, sorted by relative path. Symbolic links and special
 * files are skipped, never followed: a tree read this way cannot reach outside itself.
 */
export async function listTreeFiles(root: string): Promise<TreeFile[]> {
  const files: TreeFile[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await fs.promises.readdir(dir, { withFileTypes: true })) {
      const absPath = path.join(dir, entry.name);
      const relPath = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await walk(absPath, relPath);
      else if (entry.isFile()) {
        files.push({ relPath, absPath, size: (await fs.promises.lstat(absPath)).size });
      }
    }
  };
  await walk(root, '');
  return files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
}

/** Whether the regular files under `root` add up to more than `maxBytes` (equal passes). */
export async function treeExceeds(root: string, maxBytes: number): Promise<boolean> {
  let total = 0;
  const walk = async (dir: string): Promise<boolean> => {
    for (const entry of await fs.promises.readdir(dir, { withFileTypes: true })) {
      const absPath = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (await walk(absPath)) return true;
      } else if (entry.isFile()) {
        total += (await fs.promises.lstat(absPath)).size;
        if (total > maxBytes) return true;
      }
    }
    return false;
  };
  return walk(root);
}

/** Names of the directories directly under `dir` (links excluded), sorted; `[]` when unreadable. */
export function listSubdirectories(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}
