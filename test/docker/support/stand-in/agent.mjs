/* global process, Buffer, URL, AbortSignal, fetch, setInterval */
/*
 * The stand-in workspace agent baked into the test image (plain Node, no dependencies). It
 * behaves as the Python runtime does towards the platform:
 *  - reads /configs/config.yaml `a2a.port` (or A2A_PORT; default 8000) and /configs/.auth_token;
 *  - registers once against PLATFORM_URL with the token, as http://localhost:<port> (the
 *    registration guard refuses loopback IP literals and lets `localhost` through by name; the
 *    platform keeps the provisioner's http://127.0.0.1:<port> as the workspace URL;
 *    STAND_IN_REGISTER_URL overrides it);
 *  - heartbeats every HEARTBEAT_INTERVAL_MS (env) or `heartbeat_interval_ms` (config.yaml),
 *    default 30000;
 *  - answers A2A message/send (JSON-RPC or the runtime's short envelope) with
 *    `echo: <text>` in result.parts[0].text;
 *  - with STAND_IN_INGEST=1 (env) or `stand_in_ingest: true` (config.yaml), serves the
 *    workspace-side upload ingest of spec 03 §6.4, checking /configs/.platform_inbound_secret;
 *  - GET /__stand_in/requests lists what it received (method, path, headers), for assertions.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const CONFIGS = process.env.WORKSPACE_CONFIG_PATH || '/configs';
const WORKSPACE_ID = process.env.WORKSPACE_ID || '';
const PLATFORM_URL = (process.env.PLATFORM_URL || '').replace(/\/+$/, '');
const UPLOAD_DIR = process.env.STAND_IN_UPLOAD_DIR || '/workspace/.molecule/chat-uploads';
const MiB = 1024 * 1024;
const started = Date.now();
const received = [];

function log(message, extra) {
  process.stdout.write(JSON.stringify({ at: new Date().toISOString(), message, ...extra }) + '\n');
}

function readText(file) {
  try {
    return fs.readFileSync(path.join(CONFIGS, file), 'utf8');
  } catch {
    return undefined;
  }
}

/** The few keys the stand-in reads from config.yaml: a2a.port and two top-level scalars. */
function readConfig() {
  const text = readText('config.yaml') || '';
  const config = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const flow = /^a2a:\s*\{(.*)\}\s*$/.exec(line);
    if (flow) {
      const port = /(?:^|,)\s*port:\s*(\d+)/.exec(flow[1]);
      if (port) config.port = Number(port[1]);
    } else if (/^a2a:\s*$/.test(line)) {
      for (let j = i + 1; j < lines.length && /^(\s|$)/.test(lines[j]); j++) {
        const port = /^\s+port:\s*['"]?(\d+)['"]?\s*$/.exec(lines[j]);
        if (port) config.port = Number(port[1]);
      }
    }
    const scalar = /^(heartbeat_interval_ms|stand_in_ingest):\s*['"]?([^'"#\s]+)/.exec(line);
    if (scalar) config[scalar[1]] = scalar[2];
  }
  return config;
}

const config = readConfig();
const port = Number(process.env.A2A_PORT) || config.port || 8000;
// On the host network (A2A_PORT given) only loopback; on a bridge the platform comes from outside.
const bindHost = process.env.A2A_PORT ? '127.0.0.1' : '0.0.0.0';
const heartbeatMs =
  Number(process.env.HEARTBEAT_INTERVAL_MS) || Number(config.heartbeat_interval_ms) || 30000;
const ingestEnabled =
  process.env.STAND_IN_INGEST === '1' || String(config.stand_in_ingest) === 'true';
let token = (readText('.auth_token') || '').trim();
const selfUrl = process.env.STAND_IN_REGISTER_URL || `http://localhost:${port}`;

function card() {
  return {
    name: `stand-in ${WORKSPACE_ID.slice(0, 8)}`,
    description: 'stand-in agent for platform tests',
    version: '1.0.0',
    url: selfUrl,
    skills: [{ id: 'echo', name: 'echo', description: 'echoes the text', tags: ['test'] }],
    capabilities: { streaming: false, pushNotifications: false },
  };
}

async function platform(pathname, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${PLATFORM_URL}${pathname}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10000),
  });
  const text = await res.text();
  return { status: res.status, text };
}

async function register() {
  try {
    const res = await platform('/registry/register', {
      id: WORKSPACE_ID,
      url: selfUrl,
      agent_card: card(),
    });
    log('registered', { status: res.status, body: res.status === 200 ? undefined : res.text });
    if (res.status === 200) {
      const body = JSON.parse(res.text);
      if (body.auth_token) {
        token = body.auth_token;
        fs.writeFileSync(path.join(CONFIGS, '.auth_token'), token, { mode: 0o600 });
      }
    }
  } catch (err) {
    log('register failed', { error: String(err) });
  }
}

async function heartbeat() {
  try {
    const res = await platform('/registry/heartbeat', {
      workspace_id: WORKSPACE_ID,
      error_rate: 0,
      sample_error: '',
      active_tasks: 0,
      current_task: '',
      uptime_seconds: Math.floor((Date.now() - started) / 1000),
    });
    if (res.status !== 200) log('heartbeat refused', { status: res.status });
  } catch (err) {
    log('heartbeat failed', { error: String(err) });
  }
}

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(text);
}

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks), size }));
    req.on('error', reject);
  });
}

async function a2a(req, res) {
  const { body } = await readBody(req, 10 * MiB);
  let message;
  try {
    message = JSON.parse(body.toString('utf8'));
  } catch {
    return send(res, 400, {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'parse error' },
    });
  }
  const id = message.id === undefined ? null : message.id;
  if (message.method !== 'message/send') {
    return send(res, 200, {
      jsonrpc: '2.0',
      id,
      error: { code: -32601, message: 'method not found' },
    });
  }
  const parts = (message.params && message.params.message && message.params.message.parts) || [];
  const text = parts.map((p) => p.text || '').join('');
  send(res, 200, {
    jsonrpc: '2.0',
    id,
    result: {
      kind: 'message',
      messageId: crypto.randomUUID(),
      role: 'agent',
      parts: [{ kind: 'text', type: 'text', text: `echo: ${text}` }],
    },
  });
}

/** spec 03 §6.1 sanitizeFilename. */
function sanitize(name) {
  let base = name.split(/[\\/]/).pop() || '';
  base = base.replace(/ /g, '_').replace(/[^A-Za-z0-9._-]/gu, '_');
  if (Buffer.byteLength(base) > 100) {
    const dot = base.lastIndexOf('.');
    const ext = dot > 0 && base.length - dot <= 16 ? base.slice(dot) : '';
    base = base.slice(0, 100 - ext.length) + ext;
  }
  return base === '' || base === '.' || base === '..' ? 'file' : base;
}

const MIME = {
  '.txt': 'text/plain',
  '.png': 'image/png',
  '.pdf': 'application/pdf',
  '.json': 'application/json',
};

/** A small multipart/form-data reader: the parts' headers and bodies. */
function multipart(body, contentType) {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType || '');
  if (!match) throw new Error('no boundary');
  const boundary = Buffer.from(`--${match[1] || match[2]}`);
  const parts = [];
  let at = body.indexOf(boundary);
  if (at < 0) throw new Error('no first boundary');
  for (;;) {
    at += boundary.length;
    if (body.slice(at, at + 2).toString() === '--') break;
    at += 2; // CRLF
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) throw new Error('unterminated headers');
    const headers = body.slice(at, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), boundary]), headerEnd + 4);
    if (next < 0) throw new Error('unterminated part');
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers);
    const type = /content-type:\s*([^\r\n]*)/i.exec(headers);
    const field = disposition && /\bname="([^"]*)"/i.exec(disposition[1]);
    const filename = disposition && /\bfilename="([^"]*)"/i.exec(disposition[1]);
    parts.push({
      name: field ? field[1] : '',
      filename: filename ? filename[1] : undefined,
      type: type ? type[1].trim() : '',
      content: body.slice(headerEnd + 4, next),
    });
    at = next + 2;
  }
  return parts;
}

async function ingest(req, res) {
  const secret = (readText('.platform_inbound_secret') || '').trim();
  const auth = req.headers.authorization || '';
  if (!secret || auth !== `Bearer ${secret}`) {
    req.resume();
    return send(res, 401, { error: 'unauthorized' });
  }
  if (Number(req.headers['content-length'] || 0) > 50 * MiB) {
    req.resume();
    return send(res, 413, { error: 'request body exceeds total limit (50 MB)' });
  }
  const { body, size } = await readBody(req, 50 * MiB);
  if (size > 50 * MiB) return send(res, 413, { error: 'total request body exceeds limit (50 MB)' });
  let parts;
  try {
    parts = multipart(body, req.headers['content-type']);
  } catch {
    return send(res, 400, { error: 'failed to parse multipart form' });
  }
  const files = parts.filter((p) => p.name === 'files' && p.filename !== undefined);
  if (files.length === 0) return send(res, 400, { error: "expected at least one 'files' field" });
  let total = 0;
  for (const file of files) {
    if (file.content.length > 25 * MiB) {
      return send(res, 413, { error: `${file.filename} exceeds per-file limit (25 MB)` });
    }
    total += file.content.length;
    if (total > 50 * MiB)
      return send(res, 413, { error: 'total request body exceeds limit (50 MB)' });
  }
  try {
    fs.mkdirSync(UPLOAD_DIR, { recursive: true });
  } catch {
    return send(res, 500, { error: 'failed to prepare uploads dir' });
  }
  const out = [];
  for (const file of files) {
    const name = sanitize(file.filename);
    const stored = `${crypto.randomBytes(16).toString('hex')}-${name}`;
    const target = path.join(UPLOAD_DIR, stored);
    try {
      fs.writeFileSync(target, file.content, { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if (err && err.code === 'EEXIST')
        return send(res, 500, { error: 'internal collision; retry' });
      return send(res, 500, { error: 'failed to write file' });
    }
    out.push({
      uri: `workspace:${target}`,
      name,
      mimeType: file.type || MIME[path.extname(name).toLowerCase()] || '',
      size: file.content.length,
    });
  }
  send(res, 200, { files: out });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url || '/', 'http://stand-in');
  received.push({ method: req.method, path: url.pathname, headers: req.headers, at: Date.now() });
  if (received.length > 200) received.shift();
  const route = `${req.method} ${url.pathname}`;
  const done = (p) =>
    p.catch((err) => {
      log('request failed', { route, error: String(err) });
      if (!res.headersSent) send(res, 500, { error: 'stand-in failure' });
    });
  if (route === 'GET /__stand_in/requests') return send(res, 200, received);
  if (route === 'GET /.well-known/agent.json' || route === 'GET /.well-known/agent-card.json') {
    return send(res, 200, card());
  }
  if (route === 'GET /health') return send(res, 200, { status: 'ok' });
  if (route === 'POST /internal/chat/uploads/ingest' && ingestEnabled)
    return done(ingest(req, res));
  if (req.method === 'POST' && (url.pathname === '/' || url.pathname === '/a2a'))
    return done(a2a(req, res));
  req.resume();
  send(res, 404, { error: 'not found' });
});

server.listen(port, bindHost, () => {
  log('listening', { port, bindHost, ingest: ingestEnabled, heartbeatMs });
  void register().then(() => {
    void heartbeat();
    setInterval(() => void heartbeat(), heartbeatMs);
  });
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
