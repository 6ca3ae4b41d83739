import * as net from 'node:net';

/**
 * Open sockets of this process with `port` at either end: the app's connections to an agent on
 * `port` and, for an agent served in-process, its side of them.
 */
export function socketsOnPort(port: number): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter(
    (h) =>
      h instanceof net.Socket && !h.destroyed && (h.remotePort === port || h.localPort === port),
  ).length;
}

/** Real timers armed in this process (`setTimeout` / `setInterval`, socket timeouts included). */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/** Bytes this process has read on its open connections to `port` (what an agent sent so far). */
export function bytesReadFrom(port: number): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles
    .filter((h): h is net.Socket => h instanceof net.Socket && h.remotePort === port)
    .reduce((sum, socket) => sum + socket.bytesRead, 0);
}
