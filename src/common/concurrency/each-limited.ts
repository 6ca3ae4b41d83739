/**
 * Calls `work` for every item, at most `limit` at a time, and resolves once all have
 * settled. `work` handles its own errors (a rejection fails the whole call). Items not yet
 * started when `signal` aborts are skipped.
 */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      await work(items[next++]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
