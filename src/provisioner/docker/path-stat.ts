import type { FileKind, FileStat } from '../workspace-file-store';

/** Go's `os.FileMode` type bits, as the engine reports a path's mode. */
const MODE_DIR = 1n << 31n;
const MODE_SYMLINK = 1n << 27n;
const MODE_OTHER_TYPES = (1n << 25n) | (1n << 24n) | (1n << 26n) | (1n << 21n) | (1n << 19n);

/**
 * The engine's `X-Docker-Container-Path-Stat` header (base64 JSON `{name, size, mode, …}`):
 * what is at a path, without following a symbolic link there. `undefined` when unreadable.
 */
export function parsePathStat(header: string | string[] | undefined): FileStat | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (!text) return undefined;
  try {
    const { mode, size } = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as {
      mode?: unknown;
      size?: unknown;
    };
    if (typeof mode !== 'number') return undefined;
    return { kind: kindOf(BigInt(mode)), size: typeof size === 'number' ? size : 0 };
  } catch {
    return undefined;
  }
}

function kindOf(mode: bigint): FileKind {
  if (mode & MODE_DIR) return 'dir';
  if (mode & MODE_SYMLINK) return 'symlink';
  return mode & MODE_OTHER_TYPES ? 'other' : 'file';
}
