import * as posix from 'node:path/posix';
import { badRequest } from '../common/http/api-error';

const ROOTS = ['/configs', '/workspace', '/home', '/plugins'];

/** Files the platform writes into `/configs` that a download must never hand out. */
const CREDENTIALS = new Set(['/configs/.auth_token', '/configs/.platform_inbound_secret']);

/**
 * The checks of spec 03 §6.5 in their order: present, absolute, under an allowed root, clean
 * and free of `..` (so `/workspace/../etc/passwd` is `invalid path`). A NUL byte can name no
 * file and is refused with the traversal forms.
 */
export function checkDownloadPath(path: string): string {
  if (path === '') throw badRequest('path query required');
  if (!path.startsWith('/')) throw badRequest('path must be absolute');
  if (!ROOTS.some((root) => path === root || path.startsWith(`${root}/`)))
    throw badRequest('path must be under /configs, /workspace, /home, or /plugins');
  if (
    posix.normalize(path) !== path ||
    path.endsWith('/') ||
    path.includes('..') ||
    path.includes('\0')
  )
    throw badRequest('invalid path');
  return path;
}

export function isCredentialPath(path: string): boolean {
  return CREDENTIALS.has(path);
}
