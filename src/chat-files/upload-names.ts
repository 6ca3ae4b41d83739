import { randomBytes } from 'node:crypto';
import { contentType, lookup } from 'mime-types';

/** Where uploaded chat files live inside a workspace (spec 03 §6.1). */
export const UPLOAD_DIR = '/workspace/.molecule/chat-uploads';

const MAX_NAME_BYTES = 100;
const MAX_KEPT_EXTENSION_BYTES = 16;

/**
 * `sanitizeFilename` of spec 03 §6.1: the last path element, spaces to `_`, every character
 * outside `[A-Za-z0-9._-]` to `_` (one per character, multibyte included), at most 100 bytes
 * keeping an extension of up to 16; empty, `.` and `..` become `file`.
 */
export function sanitizeFilename(clientName: string): string {
  let name = lastPathElement(clientName)
    .replaceAll(' ', '_')
    .replace(/[^A-Za-z0-9._-]/gu, '_');
  if (name.length > MAX_NAME_BYTES) {
    const dot = name.lastIndexOf('.');
    let ext = dot >= 0 ? name.slice(dot) : '';
    if (ext.length > MAX_KEPT_EXTENSION_BYTES) ext = '';
    name = name.slice(0, MAX_NAME_BYTES - ext.length) + ext;
  }
  return name === '' || name === '.' || name === '..' ? 'file' : name;
}

/** Go's `filepath.Base` on Linux: trailing slashes dropped, `""` → `.`, all slashes → `/`. */
function lastPathElement(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** `<32 lowercase hex>-<sanitised name>`, distinct within one upload. */
export function storedName(sanitised: string, taken: Set<string>): string {
  for (;;) {
    const name = `${randomBytes(16).toString('hex')}-${sanitised}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

/** The MIME type guessed from a file name's extension, `''` when unknown. */
export function guessMimeType(name: string): string {
  return lookup(name) || '';
}

/** The `Content-Type` of a download: guessed from the extension, else octet-stream. */
export function downloadContentType(name: string): string {
  const ext = name.lastIndexOf('.') >= 0 ? name.slice(name.lastIndexOf('.')) : '';
  return (ext !== '' && contentType(ext)) || 'application/octet-stream';
}
