/* global AbortSignal */
/**
 * The real Docker engine for the provision benchmark: whether it answers, the stand-in
 * workspace image (built by the Docker test support, `docker import`, nothing pulled), a tap
 * on the engine's container events, and the cleanup of everything the bench created.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import Docker from 'dockerode';
import { startApp } from './app-handle.mjs';

const require = createRequire(import.meta.url);
const SCOPE_LABEL = 'molecule.platform.scope';

/** The engine, or why there is none (the benchmark then says so instead of failing). */
export async function connectEngine() {
  const docker = new Docker();
  try {
    await docker.ping({ abortSignal: AbortSignal.timeout(3000) });
    return { docker };
  } catch (err) {
    return { reason: String(err?.message ?? err) };
  }
}

/** The Docker tests' support (TypeScript, compiled on the fly as the child-server tests do). */
function dockerTestSupport() {
  require('../test/support/child-server/register-swc.js');
  return require('../test/docker/support/index.ts');
}

/** The stand-in agent image of the Docker tests, tagged for `runtime` under the test registry. */
export async function standInImage(runtime) {
  const { registry, refs } = await dockerTestSupport().ensureStandInImage({ runtimes: [runtime] });
  return { registry, image: refs[0] };
}

/**
 * A `molecule.platform.scope` of the bench's own: its containers and volumes, nobody else's,
 * all removed at the end.
 */
export function benchScope(scope) {
  const name = `bench-${randomBytes(6).toString('hex')}`;
  scope.defer(`docker scope ${name}`, () => dockerTestSupport().removeScope(name));
  return { name, labels: { 'molecule.platform.managed': 'true', [SCOPE_LABEL]: name } };
}

/**
 * Every container event of the scope, as the engine stamps it: `create` / `start` times per
 * container name (ms since the epoch, the engine's clock — the same host clock as ours).
 */
export async function tapContainerEvents(scope, docker, scopeName) {
  const stream = await docker.getEvents({
    filters: JSON.stringify({ type: ['container'], label: [`${SCOPE_LABEL}=${scopeName}`] }),
  });
  scope.defer('docker event tap', () => stream.destroy());
  const events = new Map();
  const waiters = [];
  let buffered = '';
  stream.on('data', (chunk) => {
    buffered += chunk.toString();
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() === '') continue;
      const event = JSON.parse(line);
      const name = event.Actor?.Attributes?.name;
      if (!name) continue;
      const at = Number(BigInt(event.timeNano) / 1000n) / 1000;
      if (!events.has(name)) events.set(name, []);
      events.get(name).push({ action: event.Action ?? event.status, at });
      for (const w of [...waiters]) {
        if (w.name === name && w.action === (event.Action ?? event.status)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(at);
        }
      }
    }
  });
  return {
    /** Engine time of the next `action` on the container `name` (or of one already seen). */
    when(name, action, { after = 0 } = {}) {
      const seen = (events.get(name) ?? []).find((e) => e.action === action && e.at >= after);
      if (seen) return Promise.resolve(seen.at);
      return new Promise((resolve) => waiters.push({ name, action, resolve }));
    },
    count(name, action) {
      return (events.get(name) ?? []).filter((e) => e.action === action).length;
    },
  };
}

/**
 * An app instance of its own driving the engine: host networking, the stand-in image's
 * registry, a Docker scope of its own (removed at the end), its own address as PLATFORM_URL so
 * the agents it starts register with it, and a reconcile scan every 5 s.
 */
export async function startEngineApp(scope, appOptions, { name, registry }) {
  const dockerScope = benchScope(scope);
  const port = await freePort();
  const app = await startApp(scope, {
    ...appOptions,
    name,
    port,
    env: {
      WORKSPACE_NETWORK: 'host',
      MOLECULE_IMAGE_REGISTRY: registry,
      MOLECULE_DOCKER_SCOPE: dockerScope.name,
      PLATFORM_URL: `http://127.0.0.1:${port}`,
      RECONCILE_SCAN_INTERVAL_SECONDS: '5',
    },
  });
  return { app, dockerScope };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
