import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import * as http from 'node:http';

/**
 * A workspace's upload ingest endpoint in plain Node (spec 03 §6.4, reduced to what costs the
 * same in both arms): it checks the bearer, reads the whole multipart body, counts it, and
 * answers the reply shape with one entry per file part. It stores nothing, so the direct arm
 * measures the client and this server alone and the platform arm adds exactly the platform.
 */
export async function startIngestWorkspace(scope, { secret }) {
  const server = http.createServer((req, res) => {
    if (req.url !== '/internal/chat/uploads/ingest' || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    if (req.headers.authorization !== `Bearer ${secret}`) {
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    let bytes = 0;
    let parts = 0;
    const marker = Buffer.from('filename="');
    req.on('data', (chunk) => {
      bytes += chunk.length;
      // Rough but identical for both arms: count file parts by their headers.
      for (let i = chunk.indexOf(marker); i >= 0; i = chunk.indexOf(marker, i + 1)) parts++;
    });
    req.on('end', () => {
      const declared = Number(req.headers['content-length']);
      if (bytes !== declared) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `short body: ${bytes} of ${declared}` }));
        return;
      }
      const files = Array.from({ length: parts }, (_, i) => ({
        uri: `workspace:/workspace/.molecule/chat-uploads/${String(i).padStart(32, '0')}-f${i}.bin`,
        name: `f${i}.bin`,
        mimeType: 'application/octet-stream',
        size: 0,
      }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ files, received: bytes }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  scope.defer(
    'ingest workspace',
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address();
  return {
    registeredUrl: `http://localhost:${port}`,
    directOrigin: `http://127.0.0.1:${port}`,
  };
}
