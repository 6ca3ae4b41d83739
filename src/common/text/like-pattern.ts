/** `%q%` for ILIKE with the pattern characters of `q` taken literally (`\` is the escape). */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
