import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import * as http from 'node:http';

/**
 * A minimal A2A agent in plain Node, standing in for a workspace runtime. It answers
 * JSON-RPC `message/send` with a small message, and `message/stream` with an SSE reply of
 * `metadata.stream_bytes` bytes in `metadata.event_bytes`-sized events (written with
 * back-pressure, so the agent never holds more than one event) and a small final event.
 * Its work is trivial on purpose: what it costs is paid identically by direct and proxied calls.
 * `onMessage(request, receivedAtEpochMs)` sees every `message/send` (the scheduler bench counts).
 */
export async function startAgent(scope, { onMessage } = {}) {
  const server = http.createServer((req, res) => {
    readJson(req)
      .then((request) => {
        if (onMessage && request.method === 'message/send') onMessage(request, Date.now());
        answer(request, res);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(400);
        res.end();
      });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  scope.defer('agent', () => closeServer(server));
  const { port } = server.address();
  return {
    // What the workspace row holds: the registration-style name, resolved by the proxy.
    registeredUrl: `http://localhost:${port}`,
    directOrigin: `http://127.0.0.1:${port}`,
  };
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function answer(request, res) {
  if (request.method === 'message/stream') return void stream(request, res);
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: request.id,
    result: {
      kind: 'message',
      messageId: `reply-${request.id}`,
      role: 'agent',
      parts: [{ kind: 'text', text: 'pong' }],
    },
  });
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function stream(request, res) {
  const { stream_bytes: total = 0, event_bytes: size = 1024 } =
    request.params?.message?.metadata ?? {};
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const event = artifactEvent(request.id, size);
  for (let sent = 0; sent < total && !res.destroyed; sent += event.length) {
    if (!res.write(event)) await drainedOrClosed(res);
  }
  res.end(finalEvent(request.id));
}

/** One SSE event of exactly `size` bytes: an artifact chunk padded with text. */
function artifactEvent(id, size) {
  const frame = (text) =>
    `data: ${JSON.stringify({
      jsonrpc: '2.0',
      id,
      result: { kind: 'artifact-update', artifact: { parts: [{ kind: 'text', text }] } },
    })}\n\n`;
  const overhead = Buffer.byteLength(frame(''));
  return Buffer.from(frame('x'.repeat(Math.max(0, size - overhead))));
}

/** The closing status event: small, so the proxy's activity row stays small too. */
function finalEvent(id) {
  const status = { kind: 'status-update', final: true, status: { state: 'completed' } };
  return `data: ${JSON.stringify({ jsonrpc: '2.0', id, result: status })}\n\n`;
}

function drainedOrClosed(res) {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function closeServer(server) {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
