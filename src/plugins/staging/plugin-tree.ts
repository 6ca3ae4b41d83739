import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listTreeFiles } from '../../common/fs/file-tree';

/**
 * The manifest digest (spec 05 §7.4): SHA-256 over `<relative path>\0<bytes>` of every
 * regular file except the top-level `manifest.json`, in path order, as lower-case hex.
 */
export async function treeDigest(root: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await listTreeFiles(root)) {
    if (file.relPath === 'manifest.json') continue;
    hash.update(file.relPath);
    hash.update('\0');
    hash.update(await fs.promises.readFile(file.absPath));
  }
  return hash.digest('hex');
}

/**
 * `true` when the tree has no `manifest.json`, or one without `sha256`, or one whose `sha256`
 * equals the tree digest (any case); `false` for a mismatch, a non-string `sha256` or a
 * manifest that does not parse.
 */
export async function manifestIntact(root: string): Promise<boolean> {
  const bytes = await readRegularFile(path.join(root, 'manifest.json'));
  if (bytes === undefined) return true;
  let manifest: unknown;
  try {
    manifest = JSON.parse(bytes.toString('utf8'));
  } catch {
    return false;
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) return false;
  const declared = (manifest as Record<string, unknown>).sha256;
  if (declared === undefined) return true;
  if (typeof declared !== 'string') return false;
  return declared.toLowerCase() === (await treeDigest(root));
}

/** Hex SHA-256 of the staged `plugin.yaml`, or `undefined` when there is none. */
export async function pluginYamlDigest(root: string): Promise<string | undefined> {
  const bytes = await readRegularFile(path.join(root, 'plugin.yaml'));
  return bytes && createHash('sha256').update(bytes).digest('hex');
}

/** The bytes of `file` when it is a regular file (a symbolic link is never followed). */
export async function readRegularFile(file: string): Promise<Buffer | undefined> {
  try {
    if (!(await fs.promises.lstat(file)).isFile()) return undefined;
    return await fs.promises.readFile(file);
  } catch {
    return undefined;
  }
}
