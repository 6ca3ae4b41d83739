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
  const relative = path.relative(rootAbs, resolved);
  const escapes = relative === '..' || relative.startsWith(`..${path.sep}`);
  return escapes || path.isAbsolute(relative) ? null : resolved;
}
