import * as path from 'node:path';
import {
  ContainedReadError,
  readTextInsideRoot,
  resolveInsideRoot,
} from '../../common/fs/contained-path';

/** Prompt files are prose; anything bigger is a mistake or an attack. */
export const PROMPT_FILE_MAX_BYTES = 256 * 1024;

/** Why a prompt reference could not be read (no host paths in the message). */
export class PromptRefError extends Error {
  constructor(
    message: string,
    /** `missing`: the file is not there; everything else is a hostile or broken reference. */
    readonly kind: 'missing' | 'refused',
  ) {
    super(message);
  }
}

/**
 * `resolvePromptRef` (spec 05 §6.5): inline text wins when non-empty; else the file, read
 * verbatim from `<orgBaseDir>/<filesDir>/` (or the template directory at defaults level),
 * contained with links resolved and bounded in size. Inline templates have no base
 * directory, so a file reference there is an error.
 */
export function resolvePromptRef(
  inline: string,
  file: string,
  orgBaseDir: string | null,
  filesDir: string,
): string {
  if (inline !== '') return inline;
  if (file === '') return '';
  if (orgBaseDir === null) {
    throw new PromptRefError(
      `prompt file "${file}" needs a template directory (inline-template mode)`,
      'refused',
    );
  }
  let root = orgBaseDir;
  if (filesDir !== '') {
    const dir = resolveInsideRoot(orgBaseDir, filesDir);
    if (dir === null)
      throw new PromptRefError(`files_dir "${filesDir}" escapes the template`, 'refused');
    root = dir;
  }
  try {
    return readTextInsideRoot(root, file, PROMPT_FILE_MAX_BYTES);
  } catch (err) {
    if (!(err instanceof ContainedReadError)) throw err;
    const where = filesDir === '' ? file : path.posix.join(filesDir, file);
    if (err.reason === 'not found')
      throw new PromptRefError(`prompt file "${where}" not found`, 'missing');
    const reason = err.reason === 'escapes root' ? 'escapes the template' : `is ${err.reason}`;
    throw new PromptRefError(`prompt file "${where}" ${reason}`, 'refused');
  }
}
