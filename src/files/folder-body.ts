import { badRequest } from '../common/http/api-error';
import { isPlainObject } from '../common/http/json-body.decorator';

/** Bulk writes and template imports carry whole folders (spec 07 §8 allows a larger cap). */
export const FOLDER_BODY_LIMIT = 32 * 1024 * 1024;
export const MAX_FILES_PER_REQUEST = 200;

/**
 * The `files` map of a bulk write or an import: an object of strings (else 400 `invalid
 * request body`) of at most 200 entries (else 400 `too many files (<n>), max 200`), checked
 * before any lookup (spec 07 §1.5).
 */
export function folderFiles(value: unknown): Record<string, string> {
  if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string'))
    throw badRequest('invalid request body');
  const count = Object.keys(value).length;
  if (count > MAX_FILES_PER_REQUEST)
    throw badRequest(`too many files (${count}), max ${MAX_FILES_PER_REQUEST}`);
  return value as Record<string, string>;
}
