/**
 * Quotes a caller-supplied value for a log line (like Go's `%q`): control characters come out
 * escaped, so a value cannot forge or break log lines.
 */
export function quoteForLog(value: string): string {
  // JSON.stringify already escapes C0 controls, quotes and backslashes.
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
