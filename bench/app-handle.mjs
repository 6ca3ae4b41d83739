import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createDatabase } from './postgres.mjs';
import { withTimeout } from './scope.mjs';

const APP_ENTRY = fileURLToPath(new URL('./app-process.mjs', import.meta.url));
const FLOOR_ENTRY = fileURLToPath(new URL('./floor-server.mjs', import.meta.url));
const BOOT_TIMEOUT_MS = 60_000;
const CALL_TIMEOUT_MS = 30_000;

/**
 * The environment of every bench app, built from scratch so a developer's shell or `.env`
 * cannot change what is measured. Development mode lets the outbound guard reach the agent on
 * loopback; ADMIN_TOKEN turns dev mode's auth and rate-limit bypass off, so the production
 * middleware runs — with a limit no bench phase can reach. The liveness sweep is slowed down
 * so its queries do not blur the per-request statement counts; so are the cron loop and the
 * reconcile scan, except on the replicas the scheduler and provision benchmarks start for
 * themselves (`env`) — an instance configured for another engine must not take their
 * workspaces over. The health sweep is slowed too: the bench's agents have no container, and
 * it would "restart" them into provisions. Every instance has a Docker scope of its own, so
 * its orphan sweeper never sees, let alone reaps, containers of anything else on the engine.
 */
function appEnv(databaseUrl, env) {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    MOLECULE_ENV: 'development',
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    RATE_LIMIT: '1000000000',
    LOG_LEVEL: 'silent',
    LIVENESS_SWEEP_INTERVAL_SECONDS: '3600',
    SCHEDULER_POLL_INTERVAL_MS: '3600000',
    RECONCILE_SCAN_INTERVAL_SECONDS: '3600',
    HEALTH_SWEEP_INTERVAL_SECONDS: '3600',
    MOLECULE_DOCKER_SCOPE: `bench-${randomBytes(4).toString('hex')}`,
    ...env,
  };
}

/**
 * Forks one app instance (see app-process.mjs) and resolves once it listens. With
 * `cpuProfileDir`, the instance writes a V8 CPU profile there when it exits.
 */
export function startApp(scope, options) {
  return startServer(scope, APP_ENTRY, options);
}

/**
 * An instance on a database of its own (created on the bench's server, dropped at the end):
 * the instance applies the migrations, then `seed(url)` fills it. Returns the instance, what
 * `seed` returned and how long it took.
 */
export async function startAppOnOwnDatabase(scope, { databaseUrl, appOptions, name, seed }) {
  const url = await createDatabase(scope, databaseUrl, name.replace(/-/g, '_'));
  const app = await startApp(scope, { ...appOptions, name, databaseUrl: url });
  const started = performance.now();
  const seeded = await seed(url);
  return { app, seeded, seedSeconds: (performance.now() - started) / 1000 };
}

/** The heartbeat's floor (floor-server.mjs): bare node:http + pg, measured like an app. */
export function startFloor(scope, options) {
  return startServer(scope, FLOOR_ENTRY, { ...options, name: 'floor' });
}

async function startServer(scope, entry, { name, databaseUrl, cpuProfileDir, port, env = {} }) {
  const profiling = cpuProfileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`, `--cpu-prof-name=app-${name}.cpuprofile`]
    : [];
  const environment = appEnv(databaseUrl, env);
  // A given port (workspaces must know the platform's URL before it listens), else any.
  if (port !== undefined) environment.PORT = String(port);
  const child = fork(entry, [], {
    env: environment,
    execArgv: ['--expose-gc', ...profiling],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const app = new AppHandle(name, child, environment.ADMIN_TOKEN);
  scope.defer(`app ${name}`, () => app.stop());
  const ready = await withTimeout(app.nextMessage('ready'), BOOT_TIMEOUT_MS, `app ${name} boot`);
  app.baseUrl = `http://127.0.0.1:${ready.port}`;
  return app;
}

export class AppHandle {
  baseUrl = '';
  #nextId = 0;
  #pending = new Map();
  #listeners = [];

  constructor(name, child, adminToken) {
    this.name = name;
    this.child = child;
    /** For admin routes (create, delete): the bench's own credential for this instance. */
    this.adminToken = adminToken;
    child.on('message', (msg) => this.#onMessage(msg));
    child.on('exit', (code, signal) => {
      const err = new Error(`app ${name} exited (code ${code}, signal ${signal})`);
      for (const { reject } of this.#pending.values()) reject(err);
      this.#pending.clear();
      for (const l of this.#listeners) l.reject(err);
    });
  }

  /** CPU, allocations and GC of the app between `probeStart` and `probeStop` (see probe.mjs). */
  probeStart(options = {}) {
    return this.#call('probe-start', options);
  }

  probeStop() {
    return this.#call('probe-stop');
  }

  /** `process.memoryUsage()` of the app, after a full GC when `collect` is set. */
  async memory({ collect = false } = {}) {
    return (await this.#call('memory', { collect })).memory;
  }

  /** Graceful close (Nest shutdown hooks), then a kill if the process lingers. */
  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    try {
      await this.#call('close');
      await withTimeout(exited, 10_000, `app ${this.name} exit`);
    } catch {
      this.child.kill('SIGKILL');
      await exited;
    }
  }

  nextMessage(type) {
    return new Promise((resolve, reject) => this.#listeners.push({ type, resolve, reject }));
  }

  #call(type, payload = {}) {
    const id = ++this.#nextId;
    const reply = new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.child.send({ ...payload, type, id });
    return withTimeout(reply, CALL_TIMEOUT_MS, `app ${this.name} ${type}`);
  }

  #onMessage(msg) {
    if (msg.type === 'failed') {
      const err = new Error(`app ${this.name} failed to start:\n${msg.error}`);
      for (const l of this.#listeners.splice(0)) l.reject(err);
      return;
    }
    if (msg.type !== undefined) {
      const matching = this.#listeners.filter((l) => l.type === msg.type);
      this.#listeners = this.#listeners.filter((l) => l.type !== msg.type);
      for (const l of matching) l.resolve(msg);
      return;
    }
    const pending = this.#pending.get(msg.id);
    if (!pending) return;
    this.#pending.delete(msg.id);
    if (msg.ok) pending.resolve(msg);
    else pending.reject(new Error(`app ${this.name}: ${msg.error}`));
  }
}
