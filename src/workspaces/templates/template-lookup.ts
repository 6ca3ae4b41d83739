import * as fs from 'node:fs';
import * as path from 'node:path';

/** Whether `dir` is a directory (symlinks followed). */
export function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Whether `dir` holds a regular file `config.yaml` (a directory of that name does not count). */
export function hasConfigFile(dir: string): boolean {
  try {
    return fs.statSync(path.join(dir, 'config.yaml')).isFile();
  } catch {
    return false;
  }
}

/**
 * The directory under `root` meant for a workspace called `name` (spec 04 §4.10): first the
 * directory named like the workspace (lower case, spaces as `-`), else the first directory —
 * in name order, skipping `ws-*` — whose `config.yaml` has a top-level `name:` equal to it,
 * case-insensitively (only the first `name:` line counts). Returns the directory name.
 */
export function findTemplateByName(root: string, name: string): string | undefined {
  const normalized = name.toLowerCase().replace(/ /g, '-');
  if (normalized !== '' && isSafeName(normalized) && isDirectory(path.join(root, normalized)))
    return normalized;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return undefined;
  }
  const wanted = name.toLowerCase();
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('ws-'))
    .map((entry) => entry.name)
    .sort()
    .find((dir) => configName(path.join(root, dir))?.toLowerCase() === wanted);
}

/** A single path segment that stays where it is put. */
function isSafeName(segment: string): boolean {
  return !segment.includes('/') && !segment.includes('\\') && segment !== '.' && segment !== '..';
}

function configName(dir: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, 'config.yaml'), 'utf8');
  } catch {
    return undefined;
  }
  const line = text.split('\n').find((l) => l.startsWith('name:'));
  return line
    ?.slice('name:'.length)
    .trim()
    .replace(/^["']|["']$/g, '');
}
