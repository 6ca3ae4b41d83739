import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const CONNECT_BATCH = 25;

/**
 * Opens `count` canvas WebSocket clients on `/ws` (no X-Workspace-ID: a canvas sees every
 * event). Each frame goes to `onFrame(data, receivedAt)` with the time it arrived. Clients
 * connect in small batches, as browsers would, not as one handshake storm.
 */
export async function connectCanvasClients(scope, baseUrl, count, onFrame) {
  const url = `${baseUrl.replace(/^http/, 'ws')}/ws`;
  const sockets = [];
  scope.defer('websocket clients', () => Promise.all(sockets.map(closeSocket)));
  for (let opened = 0; opened < count; opened += CONNECT_BATCH) {
    const batch = Math.min(CONNECT_BATCH, count - opened);
    await Promise.all(
      Array.from({ length: batch }, () => {
        const socket = new WebSocket(url, { perMessageDeflate: false });
        sockets.push(socket);
        socket.on('message', (data) => onFrame(data, performance.now()));
        return new Promise((resolve, reject) => {
          socket.once('open', resolve);
          socket.once('error', reject);
        });
      }),
    );
  }
  return sockets;
}

function closeSocket(socket) {
  if (socket.readyState === WebSocket.CLOSED) return undefined;
  return new Promise((resolve) => {
    socket.once('close', resolve);
    // A socket still connecting cannot close politely.
    if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
    else socket.close();
  });
}
