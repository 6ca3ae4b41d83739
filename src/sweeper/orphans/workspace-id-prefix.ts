/**
 * An id prefix read from a container name (`ws-<id12>`) that could belong to a workspace:
 * hex digits of either case and `-` only. Anything else never reaches SQL, which also keeps
 * `LIKE` wildcards (`%`, `_`) out of the patterns built from it.
 */
export function isLikelyWorkspaceId(prefix: string): boolean {
  return /^[0-9a-fA-F-]+$/.test(prefix);
}

/** A container's id prefix and the `LIKE` pattern matching the ids it can belong to. */
export interface PrefixPattern {
  readonly prefix: string;
  readonly pattern: string;
}

/**
 * The prefixes that pass the guard, each once, with its pattern. Ids are stored in lower
 * case, so the pattern is too; the prefix keeps the container's own spelling for the engine.
 */
export function prefixPatterns(prefixes: readonly string[]): PrefixPattern[] {
  const byPattern = new Map<string, string>();
  for (const prefix of prefixes) {
    if (!isLikelyWorkspaceId(prefix)) continue;
    const pattern = `${prefix.toLowerCase()}%`;
    if (!byPattern.has(pattern)) byPattern.set(pattern, prefix);
  }
  return [...byPattern].map(([pattern, prefix]) => ({ prefix, pattern }));
}
