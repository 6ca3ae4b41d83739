import * as posix from 'node:path/posix';
import { CONFIG_CREDENTIAL_FILES } from '../provisioner/config-credentials';

/** The directories the files routes may look into (spec 07 §1.2), in the error's order. */
export const FILE_ROOTS = ['/configs', '/workspace', '/home', '/plugins'] as const;
export type FileRoot = (typeof FILE_ROOTS)[number];

/** Where writes, deletes and the default listing act. */
export const CONFIGS_ROOT: FileRoot = '/configs';

/**
 * The relative-path rule of spec 07 §1.1: the clean form of `raw`, or `null` for the empty
 * string, `.`, an absolute path, and anything with `..` anywhere (raw or cleaned — even
 * `notes..md`, as in the reference). A NUL byte can name no file and is refused too.
 */
export function cleanRelativePath(raw: string): string | null {
  if (raw === '' || raw === '.' || raw.includes('\0') || raw.includes('..')) return null;
  const clean = posix.normalize(raw).replace(/\/+$/, '');
  if (clean === '' || clean === '.' || posix.isAbsolute(clean) || clean.includes('..')) return null;
  return clean;
}

/** `root` as sent (absent → `/configs`), or `null` when it is not exactly an allowed root. */
export function parseRoot(raw: string | undefined): FileRoot | null {
  if (raw === undefined) return CONFIGS_ROOT;
  return (FILE_ROOTS as readonly string[]).includes(raw) ? (raw as FileRoot) : null;
}

export const ROOT_ERROR = `root must be one of: ${FILE_ROOTS.join(', ')}`;

/** A credential file at the top of `/configs`, given a path the rule above accepted. */
export function isCredentialFile(root: FileRoot, cleanPath: string): boolean {
  return root === CONFIGS_ROOT && CONFIG_CREDENTIAL_FILES.has(cleanPath);
}

/** `root` joined with a path the rule above accepted. */
export function absolutePath(root: FileRoot, cleanPath: string): string {
  return `${root}/${cleanPath}`;
}
