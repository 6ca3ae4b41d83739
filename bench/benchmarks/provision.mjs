/* global fetch */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  connectEngine,
  freePort,
  standInImage,
  startEngineApp,
  tapContainerEvents,
} from '../docker-engine.mjs';
import { alternate } from '../measure.mjs';
import { latencySummary, median, ratio } from '../stats.mjs';

const TIER2 = { Memory: 512 * 1024 * 1024, NanoCpus: 1_000_000_000 };
const ONLINE_POLL_MS = 100;

/**
 * 7. Provisioning on a real Docker engine, with the stand-in agent image of the Docker tests.
 *
 * Overhead: `POST /workspaces` → the engine's `start` event of the workspace's container,
 * against a bare create + start of the same image through the engine API (same network mode,
 * limits and labels), in alternating rounds. The platform's arm adds everything a provision
 * is: the row, the reconciler's claim, secrets and env, token and inbound secret, the config
 * volume and the files written into `/configs` before the start.
 *
 * Fleet: N workspaces created at once; every one must reach `online` (its agent registered)
 * with no error, and the engine must have created and started each container exactly once.
 */
export async function provisionBench({ scope, appOptions, settings }) {
  const engine = await connectEngine();
  if (!engine.docker) return { skipped: `no Docker engine (${engine.reason})` };
  const { docker } = engine;
  const { registry, image } = await standInImage('langgraph');
  const { app, dockerScope } = await startEngineApp(scope, appOptions, { name: 'P', registry });
  const events = await tapContainerEvents(scope, docker, dockerScope.name);
  const api = apiClient(app);

  let serial = 0;
  const phases = { platform: [], bare: [] };
  const platformArm = async () => {
    const started = Date.now();
    const { id } = await api.create(`bench-provision-${++serial}`);
    const at = await events.when(containerName(id), 'start', { after: started });
    const created = await events.when(containerName(id), 'create', { after: started });
    phases.platform.push([created - started, at - created]);
    await api.remove(id);
    return at - started;
  };
  const bareArm = async () => {
    const name = `bench-bare-${++serial}`;
    const a2aPort = await freePort();
    const started = Date.now();
    const container = await docker.createContainer({
      name,
      Image: image,
      Env: ['PLATFORM_URL=http://127.0.0.1:9', `A2A_PORT=${a2aPort}`, `WORKSPACE_ID=${name}`],
      Labels: dockerScope.labels,
      HostConfig: { NetworkMode: 'host', ...TIER2 },
    });
    await container.start();
    const at = await events.when(name, 'start', { after: started });
    const created = await events.when(name, 'create', { after: started });
    phases.bare.push([created - started, at - created]);
    await container.remove({ force: true });
    return at - started;
  };

  // Warm-up: image and volume caches, JIT, prepared statements.
  await platformArm();
  await bareArm();
  const samples = { platform: [], bare: [] };
  const { rounds, perRound } = settings.overhead;
  await alternate(rounds, {
    platform: async () => {
      for (let i = 0; i < perRound; i++) samples.platform.push(await platformArm());
    },
    bare: async () => {
      for (let i = 0; i < perRound; i++) samples.bare.push(await bareArm());
    },
  });
  const overhead = {
    platformMs: latencySummary(samples.platform),
    bareMs: latencySummary(samples.bare),
    platformOverBare: ratio(median(samples.platform), median(samples.bare)),
    phases: Object.fromEntries(
      Object.entries(phases).map(([arm, list]) => [
        arm,
        { toCreate: median(list.map((p) => p[0])), createToStart: median(list.map((p) => p[1])) },
      ]),
    ),
  };

  const fleet = await createFleet(api, events, settings.fleet);
  return { overhead, fleet };
}

/** N creates at once; then every workspace online, and one create and one start each. */
async function createFleet(api, events, { size, onlineTimeoutMs }) {
  const started = performance.now();
  const replies = await Promise.all(
    Array.from({ length: size }, (_, i) => api.createRaw(`bench-at-once-${i}`)),
  );
  const errors = replies.filter((r) => r.status !== 201 || r.body.status !== 'provisioning');
  const ids = replies.filter((r) => r.status === 201).map((r) => r.body.id);
  const onlineAt = new Map();
  const deadline = started + onlineTimeoutMs;
  while (onlineAt.size < ids.length && performance.now() < deadline) {
    for (const w of await api.list()) {
      if (w.status === 'online' && ids.includes(w.id) && !onlineAt.has(w.id))
        onlineAt.set(w.id, performance.now() - started);
      if (w.status === 'failed' && ids.includes(w.id))
        errors.push({ id: w.id, status: 'failed', reason: w.last_sample_error });
    }
    if (errors.length > 0) break;
    await sleep(ONLINE_POLL_MS);
  }
  const creates = ids.map((id) => events.count(containerName(id), 'create'));
  const starts = ids.map((id) => events.count(containerName(id), 'start'));
  const result = {
    size,
    created: ids.length,
    errors: errors.length,
    online: onlineAt.size,
    allOnlineMs: onlineAt.size === ids.length ? Math.max(...onlineAt.values()) : NaN,
    onlineMs: latencySummary([...onlineAt.values()]),
    maxCreatesPerWorkspace: Math.max(0, ...creates),
    maxStartsPerWorkspace: Math.max(0, ...starts),
    failures: [...new Set(errors.map((e) => e.reason ?? `HTTP ${e.status}`))],
  };
  await Promise.all(ids.map((id) => api.remove(id)));
  if (result.errors > 0 || result.online < size || result.maxCreatesPerWorkspace !== 1) {
    throw new Error(`provision fleet failed: ${JSON.stringify(result)}`);
  }
  return result;
}

const containerName = (id) => `ws-${id.slice(0, 12)}`;

function apiClient(app) {
  const request = async (method, path, body) => {
    const res = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${app.adminToken}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const createRaw = (name) => request('POST', '/workspaces', { name, tier: 2 });
  return {
    createRaw,
    async create(name) {
      const res = await createRaw(name);
      if (res.status !== 201) throw new Error(`create ${name}: ${res.status}`);
      return res.body;
    },
    async remove(id) {
      const res = await request('DELETE', `/workspaces/${id}`);
      if (res.status !== 200)
        throw new Error(`delete ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    },
    async list() {
      return (await request('GET', '/workspaces')).body;
    },
  };
}
