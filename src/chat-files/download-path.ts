import * as posix from 'node:path/posix';
import { badRequest } from '../common/http/api-error';
import { CONFIGS_ROOT, FILE_ROOTS, isCredentialFile } from '../files/file-paths';

const ROOTS_ERROR = `path must be under ${FILE_ROOTS.slice(0, -1).join(', ')}, or ${FILE_ROOTS.at(-1)}`;

/**
 * The checks of spec 03 §6.5 in their order: present, absolute, under an allowed root, clean
 * and free of `..` (so `/workspace/../etc/passwd` is `invalid path`). A NUL byte can name no
 * file and is refused with the traversal forms.
 */
export function checkDownloadPath(path: string): string {
  if (path === '') throw badRequest('path query required');
  if (!path.startsWith('/')) throw badRequest('path must be absolute');
  if (!FILE_ROOTS.some((root) => path === root || path.startsWith(`${root}/`)))
    throw badRequest(ROOTS_ERROR);
  if (
    posix.normalize(path) !== path ||
    path.endsWith('/') ||
    path.includes('..') ||
    path.includes('\0')
  )
    throw badRequest('invalid path');
  return path;
}

/** A credential the provisioner wrote into `/configs`: a download never hands it out. */
export function isCredentialPath(path: string): boolean {
  const prefix = `${CONFIGS_ROOT}/`;
  return path.startsWith(prefix) && isCredentialFile(CONFIGS_ROOT, path.slice(prefix.length));
}
