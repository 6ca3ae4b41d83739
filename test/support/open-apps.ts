/**
 * Test apps still open, by the database they use. Jest runs `afterAll` hooks in declaration
 * order, so a file's database (declared first) would be dropped while its apps still run
 * queries — the forced drop then kills their connections mid-query (57P01). Dropping a
 * database first closes what is still open on it.
 */
const openApps = new Map<string, Set<() => Promise<void>>>();

/** Registers `close` for `databaseUrl`; returns a close that runs once and unregisters. */
export function trackOpenApp(databaseUrl: string, close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  const once = () => {
    closing ??= close().finally(() => openApps.get(databaseUrl)?.delete(once));
    return closing;
  };
  let apps = openApps.get(databaseUrl);
  if (!apps) openApps.set(databaseUrl, (apps = new Set()));
  apps.add(once);
  return once;
}

/** Closes every app still open on `databaseUrl`. */
export async function closeOpenApps(databaseUrl: string): Promise<void> {
  await Promise.allSettled([...(openApps.get(databaseUrl) ?? [])].map((close) => close()));
  openApps.delete(databaseUrl);
}
