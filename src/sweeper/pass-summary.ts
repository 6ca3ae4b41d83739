/** A signal that never aborts: the default when a sweep is called outside its loop. */
export const NOT_ABORTED: AbortSignal = new AbortController().signal;

/**
 * A pass summary without its zero and unset counts, or nothing when the pass did nothing
 * (the loop then logs it at debug level only).
 */
export function compactSummary<T extends object>(summary: T): T | undefined {
  const entries = Object.entries(summary).filter(([, v]) => v !== undefined && v !== 0);
  return entries.length > 0 ? (Object.fromEntries(entries) as T) : undefined;
}
