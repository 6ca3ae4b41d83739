import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Client } from 'pg';
import { freeLoopbackPort } from '../src/provisioner/docker/loopback-ports';
import { eventually } from './support/eventually';
import { HeldServer, startHeldServer } from './support/held-server';
import { TestWsClient } from './support/ws-client';

const ROOT = path.join(__dirname, '..');
const REGISTER = path.join(__dirname, 'support', 'child-server', 'register-swc.js');
const WORKSPACE = '5b0c6a52-0d2e-4c1a-9a0e-000000000001';

jest.setTimeout(180_000);

/** An agent whose replies wait until the test releases them. */
const slowAgent = () =>
  startHeldServer((res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: '1', result: { parts: [{ text: 'late' }] } }));
  });

/** PIDs of live processes whose command line mentions `needle`. */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(needle)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * The real server entry point (`src/main.ts`, compiled on the fly) in a child process, on its
 * own embedded PostgreSQL, told to stop with SIGTERM while a proxied call is in flight.
 */
describe('SIGTERM', () => {
  let dataDir: string;
  let server: ChildProcess | undefined;
  const lines: Record<string, any>[] = [];
  let agent: HeldServer;

  afterAll(async () => {
    agent?.close();
    if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    // A PostgreSQL a failed run left behind is ours to stop: its pid is in its own lock file.
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    if (fs.existsSync(pidFile)) {
      const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGTERM');
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes the request in flight, refuses new ones, exits 0 and leaves no PostgreSQL behind', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-shutdown-'));
    fs.chmodSync(dataDir, 0o755);
    const [port, pgPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
    agent = await slowAgent();

    server = spawn(process.execPath, ['-r', REGISTER, path.join(ROOT, 'src', 'main.ts')], {
      cwd: dataDir,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        MOLECULE_DATA_DIR: dataDir,
        EMBEDDED_POSTGRES_PORT: String(pgPort),
        // Development mode lets the proxy reach the agent on loopback, at the URL it has.
        MOLECULE_ENV: 'development',
        WORKSPACE_NETWORK: 'host',
        // No Docker engine: this server must not touch the engine other tests share.
        DOCKER_HOST: `unix://${path.join(dataDir, 'no-docker.sock')}`,
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        SHUTDOWN_GRACE_SECONDS: '60',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr: string[] = [];
    server.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    readline.createInterface({ input: server.stdout! }).on('line', (line) => {
      try {
        lines.push(JSON.parse(line) as Record<string, any>);
      } catch {
        lines.push({ msg: line });
      }
    });
    const exited = new Promise<number | null>((resolve) => server!.once('exit', resolve));
    const logged = (msg: string) => lines.find((l) => l.msg === msg);

    await eventually(
      async () => logged('platform server listening') ?? (server!.exitCode !== null || undefined),
      'the server to listen',
      120_000,
    );
    expect(server.exitCode).toBeNull();
    const base = `http://127.0.0.1:${port}`;

    const db = new Client({
      connectionString: `postgres://postgres:postgres@127.0.0.1:${pgPort}/molecule`,
    });
    await db.connect();
    await db.query(
      `INSERT INTO workspaces (id, name, status, url) VALUES ($1, 'Slow', 'online', $2)`,
      [WORKSPACE, agent.url],
    );
    await db.end();

    const canvas = await TestWsClient.connect(base);
    const wsClosed = new Promise<number>((resolve) => canvas.socket.once('close', resolve));
    const inFlight = fetch(`${base}/workspaces/${WORKSPACE}/a2a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        method: 'message/send',
        params: { message: { role: 'user', parts: [] } },
      }),
    });
    // Fails fast if the proxy answered without reaching the agent.
    let reached = false;
    await Promise.race([
      agent.received.then(() => (reached = true)),
      inFlight.then(async (r) => {
        if (!reached) throw new Error(`answered early: ${r.status} ${await r.text()}`);
      }),
    ]);

    server.kill('SIGTERM');
    // WebSocket subscribers are let go at once (1001: going away), new connections refused.
    expect(await wsClosed).toBe(1001);
    await eventually(
      () =>
        fetch(`${base}/health`).then(
          () => undefined,
          (err: { cause?: { code?: string } }) => err.cause?.code === 'ECONNREFUSED' || undefined,
        ),
      'new connections to be refused',
    );
    expect(server.exitCode).toBeNull();

    agent.release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      jsonrpc: '2.0',
      id: '1',
      result: { parts: [{ text: 'late' }] },
    });

    expect(await exited).toBe(0);
    expect(logged('requests in flight finished')).toBeDefined();
    expect(logged('shut down')).toBeDefined();
    expect(stderr.join('')).toContain('received SIGTERM, shutting down');
    // The embedded PostgreSQL stopped with the server: none of its processes run on, and its
    // lock file is gone.
    expect(processesMentioning(path.join(dataDir, 'postgres'))).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  });
});
