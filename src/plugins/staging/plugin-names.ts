import * as path from 'node:path';

/**
 * The handler-side plugin name check (spec 05 §7.5): non-empty, no `/`, `\` or `..`, and
 * its own base name. Returns the reason (logged; the wire says `invalid plugin name`).
 */
export function pluginNameProblem(name: string): string | undefined {
  if (name === '') return 'plugin name is required';
  if (name.includes('/') || name.includes('\\') || name.includes('..')) {
    return "invalid plugin name: must not contain path separators or '..'";
  }
  if (path.posix.basename(name) !== name) return 'invalid plugin name';
  return undefined;
}

export function isValidPluginName(name: string): boolean {
  return pluginNameProblem(name) === undefined;
}
