/**
 * The heartbeat's floor: the least a Node server can do and still do the heartbeat's essential
 * work — bare `node:http` and `pg`, no framework. It reads and parses the JSON body, hashes the
 * bearer, runs the platform's own token-gated statement (`registry.heartbeat`, imported from
 * the build, prepared), answers 401 when the gate is shut, and NOTIFYs the WORKSPACE_HEARTBEAT
 * event (on a channel of its own ; one NOTIFY per beat, sent after the reply as the platform
 * does). No validation, no logging, no metrics, no middleware: what the platform spends above
 * this is the price of everything else it does per request. It answers `GET /health` too, the
 * way bare Node does: the floor of `GET /health`. Forked like an app instance and
 * answering the same IPC (probes, memory, close); `/metrics` counts its statements in the
 * platform's format so the same measuring code reads it.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import process from 'node:process';
import pg from 'pg';
import { announceFailure, announceReady, serveParentRequests } from './child-ipc.mjs';

const require = createRequire(import.meta.url);
const { HEARTBEAT } = require('../dist/src/registry/registry.repository.js');
const { EVENTS_CHANNEL } = require('../dist/src/events/pg-event-relay.js');
// A channel of its own: the app instances LISTEN on the platform's and would pay for these.
const CHANNEL = `${EVENTS_CHANNEL}_floor`;

// The platform's pool size (src/database/data-source.ts).
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 25 });
const NOTIFY = { name: 'floor.notify', text: 'SELECT pg_notify($1, $2)' };
const statements = { 'registry.heartbeat': 0, 'floor.notify': 0 };

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/registry/heartbeat') return heartbeat(req, res);
  if (req.method === 'GET' && req.url === '/health') return reply(res, 200, '{"status":"ok"}');
  if (req.method === 'GET' && req.url === '/metrics') return metrics(res);
  res.writeHead(404).end();
});

function heartbeat(req, res) {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(res, 400, '{"error":"invalid request body"}');
    }
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
    const tokenHash = token === '' ? null : createHash('sha256').update(token).digest();
    try {
      statements['registry.heartbeat']++;
      const { rows } = await pool.query({
        name: HEARTBEAT.name,
        text: HEARTBEAT.text,
        values: [
          body.workspace_id,
          body.error_rate ?? 0,
          body.sample_error ?? '',
          body.active_tasks ?? 0,
          body.uptime_seconds ?? 0,
          body.current_task ?? '',
          body.monthly_spend ?? 0,
          false,
          tokenHash,
          body.runtime_metadata ? body.runtime_metadata.capabilities?.scheduler === true : null,
        ],
      });
      if (rows[0].has_live && !rows[0].valid) {
        return reply(res, 401, '{"error":"invalid workspace auth token"}');
      }
    } catch {
      return reply(res, 500, '{"error":"failed to update"}');
    }
    reply(res, 200, '{"status":"ok"}');
    const event = {
      event: 'WORKSPACE_HEARTBEAT',
      workspace_id: body.workspace_id,
      timestamp: new Date().toISOString(),
      payload: { active_tasks: body.active_tasks ?? 0, uptime_seconds: body.uptime_seconds ?? 0 },
    };
    statements['floor.notify']++;
    pool.query({ ...NOTIFY, values: [CHANNEL, JSON.stringify(event)] }).catch(() => undefined);
  });
}

function reply(res, status, json) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

function metrics(res) {
  const lines = Object.entries(statements).map(
    ([name, n]) => `molecule_db_queries_total{statement="${name}"} ${n}`,
  );
  res.writeHead(200, { 'content-type': 'text/plain' }).end(`${lines.join('\n')}\n`);
}

serveParentRequests({
  close: async () => {
    await new Promise((resolve) => server.close(resolve));
    await pool.end();
  },
});
server.listen(0, '127.0.0.1', () => announceReady(server.address().port));
server.on('error', announceFailure);
