import type { Server } from 'node:http';

/** How often connections that turned idle during the drain are closed. */
const IDLE_SWEEP_MS = 50;

/**
 * Stops accepting connections and waits for the requests in flight to finish, closing every
 * keep-alive connection as soon as it has nothing in flight; at `deadlineAt` (epoch ms) the
 * connections still busy are cut. Upgraded connections (WebSockets) are not the server's to
 * close: their owner lets them go when the shutdown begins.
 */
export async function drainHttpServer(
  server: Server,
  deadlineAt: number,
): Promise<'drained' | 'cut'> {
  const closed = new Promise<'drained'>((resolve) => server.close(() => resolve('drained')));
  server.closeIdleConnections();
  const sweeper = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'cut'>((resolve) => {
    timer = setTimeout(() => resolve('cut'), Math.max(0, deadlineAt - Date.now()));
  });
  try {
    const outcome = await Promise.race([closed, deadline]);
    if (outcome === 'cut') server.closeAllConnections();
    return outcome;
  } finally {
    clearInterval(sweeper);
    clearTimeout(timer);
  }
}
