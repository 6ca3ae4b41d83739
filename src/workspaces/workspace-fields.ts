import * as path from 'node:path';

/** Characters that could break out of the YAML the name and role are written into. */
const FORBIDDEN_CHARS = /[{}[\]|>*&!]/;

const BYTE_LIMITS: readonly (readonly ['name' | 'role' | 'model' | 'runtime', number])[] = [
  ['name', 255],
  ['role', 1000],
  ['model', 100],
  ['runtime', 100],
];

export interface WorkspaceTextFields {
  readonly name?: string;
  readonly role?: string;
  readonly model?: string;
  readonly runtime?: string;
}

/**
 * The shared field rules of create and update (spec 01 §3.0): no line breaks anywhere, no
 * YAML-special characters in name or role, and byte (not character) length limits. Returns
 * the first failure's message.
 */
export function workspaceFieldError(fields: WorkspaceTextFields): string | undefined {
  for (const field of ['name', 'role', 'model', 'runtime'] as const) {
    const value = fields[field] ?? '';
    if (value.includes('\n') || value.includes('\r'))
      return `${field} must not contain newline characters`;
  }
  for (const field of ['name', 'role'] as const) {
    if (FORBIDDEN_CHARS.test(fields[field] ?? '')) return `${field} contains invalid characters`;
  }
  for (const [field, limit] of BYTE_LIMITS) {
    if (Buffer.byteLength(fields[field] ?? '') > limit)
      return `${field} must be at most ${limit} characters`;
  }
  return undefined;
}

const SYSTEM_DIRS = [
  '/etc',
  '/var',
  '/proc',
  '/sys',
  '/dev',
  '/boot',
  '/sbin',
  '/bin',
  '/lib',
  '/usr',
];

/**
 * A host directory bind-mounted into the workspace: absolute, no `..`, not a system path —
 * nor the host root, which holds them all (the reference let `/` through).
 */
export function isValidWorkspaceDir(dir: string): boolean {
  if (!path.posix.isAbsolute(dir) || dir.includes('..')) return false;
  const clean = path.posix.normalize(dir).replace(/\/+$/, '') || '/';
  if (clean === '/') return false;
  return !SYSTEM_DIRS.some((sys) => clean === sys || clean.startsWith(`${sys}/`));
}

/** `none` always; `read_only` / `read_write` only with a directory to mount. */
export function isValidWorkspaceAccess(access: string, workspaceDir: string): boolean {
  if (access === '' || access === 'none') return true;
  return (access === 'read_only' || access === 'read_write') && workspaceDir !== '';
}
