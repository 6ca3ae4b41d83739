/** Go RE2's ASCII `\s` (tab, newline, form feed, carriage return, space) — not Unicode spaces. */
const SPACE = '[\\t\\n\\f\\r ]';
const NON_SPACE = '[^\\t\\n\\f\\r ]';

/** `NAME_SUFFIX = value`: an identifier starting with a letter, any case, then its value. */
const assignment = (suffix: string) =>
  new RegExp(`[A-Za-z][A-Za-z0-9_]*_${suffix}${SPACE}*=${SPACE}*${NON_SPACE}+`, 'gi');

/**
 * Secret-looking substrings and their labels, applied in this order (spec 08 §2.3). The
 * classes are ASCII on purpose, like the reference's RE2 patterns. The last one also eats git
 * SHAs and long slash-joined paths; the reference's tests pin that (Q11).
 */
const PATTERNS: readonly (readonly [RegExp, string])[] = [
  [assignment('API_KEY'), 'API_KEY'],
  [assignment('TOKEN'), 'TOKEN'],
  [assignment('SECRET'), 'SECRET'],
  [new RegExp(`Bearer${SPACE}+${NON_SPACE}+`, 'g'), 'BEARER_TOKEN'],
  [/sk-[A-Za-z0-9_-]{16,}/g, 'SK_TOKEN'],
  [/ctx7_[A-Za-z0-9]+/g, 'CTX7_TOKEN'],
  [/[A-Za-z0-9+/]{33,}={0,2}/g, 'BASE64_BLOB'],
];

/**
 * Replaces every secret-looking substring of `text` with `[REDACTED:<LABEL>]`. Used on every
 * path into `agent_memories` (commit, seeding, import) and again on export.
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, label] of PATTERNS) out = out.replace(pattern, `[REDACTED:${label}]`);
  return out;
}
