import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Resolves a user-supplied relative path inside `root`, or returns null when it is empty,
 * absolute, or escapes the root via `..`. The check is lexical (no symlink resolution), as in
 * the reference: the templates dir is operator-controlled, so a link placed there is deliberate.
 */
export function resolveInsideRoot(root: string, userPath: string): string | null {
  if (userPath === '' || path.isAbsolute(userPath)) return null;
  const rootAbs = path.resolve(root);
  const resolved = path.resolve(rootAbs, userPath);
  return isInside(rootAbs, resolved) ? resolved : null;
}

/**
 * `resolveInsideRoot`, and the path must also stay inside the root once symbolic links are
 * resolved: for content a request makes the server read (org templates, prompt files,
 * includes, plugins), where a link pointing out of the tree must not leak a host file. A
 * path that does not exist yet is judged by its deepest existing ancestor.
 */
export function resolveRealInsideRoot(root: string, userPath: string): string | null {
  const lexical = resolveInsideRoot(root, userPath);
  if (lexical === null) return null;
  const realRoot = realpathOfDeepestExisting(path.resolve(root));
  return isInside(realRoot, realpathOfDeepestExisting(lexical)) ? lexical : null;
}

/** Why a contained read failed; the text never carries a path. */
export class ContainedReadError extends Error {
  constructor(readonly reason: 'escapes root' | 'not found' | 'not a file' | 'too large') {
    super(reason);
    this.name = 'ContainedReadError';
  }
}

/**
 * Reads `userPath` under `root` (contained, links resolved) as UTF-8 text of at most
 * `maxBytes` bytes; anything else is a `ContainedReadError`.
 */
export function readTextInsideRoot(root: string, userPath: string, maxBytes: number): string {
  const file = resolveRealInsideRoot(root, userPath);
  if (file === null) throw new ContainedReadError('escapes root');
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    throw new ContainedReadError('not found');
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new ContainedReadError('not a file');
    if (stat.size > maxBytes) throw new ContainedReadError('too large');
    // Read one byte more than allowed: a file that grew after the stat is still refused.
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const read = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > maxBytes) throw new ContainedReadError('too large');
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether `candidate` is `root` itself or below `root + separator` (both absolute). */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  if (relative === '') return true;
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

function realpathOrNull(target: string): string | null {
  try {
    return fs.realpathSync(target);
  } catch {
    return null;
  }
}

function realpathOfDeepestExisting(target: string): string {
  const missing: string[] = [];
  let current = target;
  for (;;) {
    const real = realpathOrNull(current);
    if (real !== null) return path.join(real, ...missing.reverse());
    const parent = path.dirname(current);
    if (parent === current) return target;
    missing.push(path.basename(current));
    current = parent;
  }
}
