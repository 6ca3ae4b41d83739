/**
 * `npm run bench`: the server's hot paths, measured side by side in one run.
 *   heartbeat  heartbeat vs GET /health       a2a     A2A proxy vs direct
 *   streaming  SSE through the proxy vs direct  fanout  WebSocket fan-out, same vs cross replica
 *   scheduler  5,000 schedules due at once on two replicas vs the same messages via POST /a2a
 *   memory     memory search on a million memories vs a tenth of that
 *   provision  POST /workspaces → container started vs a bare engine create + start; 50 at once
 *   uploads    a 50 MB chat upload through the platform vs direct to the workspace
 * Needs the production build (`npm run build`, which the npm script runs first). Every load
 * phase is bounded by a request count; all traffic stays on 127.0.0.1. Flags:
 *   --quick          a reduced run (a smoke test of the bench itself, not numbers to quote)
 *   --only a,b       run only these benchmarks
 *   --cpu-prof       each app instance writes a V8 CPU profile next to the results (slower)
 * See bench/README.md for what each number means.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startAgent } from './agent.mjs';
import { startApp } from './app-handle.mjs';
import { startIngestWorkspace } from './ingest-workspace.mjs';
import { a2aProxyBench } from './benchmarks/a2a-proxy.mjs';
import { chatUploadBench } from './benchmarks/chat-upload.mjs';
import { fanoutBench } from './benchmarks/fanout.mjs';
import { activityListBench } from './benchmarks/activity-list.mjs';
import { heartbeatBench } from './benchmarks/heartbeat.mjs';
import { fleetBench } from './benchmarks/heartbeat-fleet.mjs';
import { provisionBench } from './benchmarks/provision.mjs';
import { schedulerBench } from './benchmarks/scheduler.mjs';
import { memorySearchBench } from './benchmarks/memory-search.mjs';
import { streamingBench } from './benchmarks/streaming.mjs';
import { startPostgres } from './postgres.mjs';
import { goalRows } from './goals.mjs';
import { renderReport, writeResults } from './report.mjs';
import { Scope } from './scope.mjs';
import { seedWorkspaces } from './seed.mjs';

const KIB = 1024;
const MIB = 1024 * KIB;

const FULL = {
  heartbeat: { workspaces: 500, concurrency: 16, requestsPerRound: 1500, rounds: 6 },
  fleet: { workspaces: 10_000, concurrency: 16, requestsPerRound: 1500, rounds: 4 },
  a2a: { concurrency: 16, requestsPerRound: 800, rounds: 6, serialPerRound: 200 },
  streaming: {
    ttfbSamples: 40,
    smallStreamBytes: 4 * KIB,
    largeStreamBytes: 100 * MIB,
    eventBytes: 64 * KIB,
    largeRounds: 4,
  },
  fanout: {
    clients: 1000,
    eventsPerSec: 100,
    eventsPerRound: 200,
    saturationConcurrency: 8,
    rounds: 2,
    deliveryTimeoutMs: 15_000,
  },
  scheduler: {
    workspaces: 500,
    schedulesPerRound: 5000,
    agents: 20,
    pollIntervalMs: 1000,
    leadMs: 1500,
    deadlineMs: 30_000,
    proxyConcurrency: 32,
    proxyMessagesPerRound: 2000,
    rounds: 2,
  },
  memory: {
    largeOrgs: 100,
    smallOrgs: 10,
    perWorkspace: 1000,
    globals: 2000,
    concurrency: 2,
    warmup: 400,
    requestsPerRound: 600,
    rounds: 6,
    scopeRequests: 200,
  },
  activity: {
    largeWorkspaces: 1000,
    smallWorkspaces: 100,
    perWorkspace: 1000,
    concurrency: 4,
    requestsPerRound: 400,
    rounds: 4,
  },
  // 50 MB in two 25 MB parts: the largest upload the caps allow (25 MiB a file, 50 MiB a body).
  uploads: { files: 2, fileBytes: 25_000_000, rounds: 4 },
};

FULL.provision = {
  overhead: { rounds: 4, perRound: 3 },
  fleet: { size: 50, onlineTimeoutMs: 240_000 },
};

const QUICK = {
  heartbeat: { ...FULL.heartbeat, workspaces: 50, requestsPerRound: 100, rounds: 2 },
  fleet: { ...FULL.fleet, workspaces: 1000, requestsPerRound: 100, rounds: 2 },
  a2a: { ...FULL.a2a, requestsPerRound: 100, rounds: 2, serialPerRound: 20 },
  streaming: { ...FULL.streaming, ttfbSamples: 4, largeStreamBytes: 4 * MIB, largeRounds: 1 },
  fanout: { ...FULL.fanout, clients: 20, eventsPerRound: 20, rounds: 2 },
  scheduler: {
    ...FULL.scheduler,
    workspaces: 50,
    schedulesPerRound: 500,
    proxyMessagesPerRound: 200,
    agents: 5,
    rounds: 1,
  },
  memory: {
    ...FULL.memory,
    largeOrgs: 10,
    smallOrgs: 1,
    perWorkspace: 200,
    globals: 200,
    warmup: 50,
    requestsPerRound: 100,
    rounds: 2,
    scopeRequests: 40,
  },
  provision: {
    overhead: { rounds: 2, perRound: 1 },
    fleet: { size: 5, onlineTimeoutMs: 120_000 },
  },
  activity: {
    ...FULL.activity,
    largeWorkspaces: 100,
    smallWorkspaces: 10,
    perWorkspace: 100,
    requestsPerRound: 40,
    rounds: 1,
  },
  uploads: { ...FULL.uploads, fileBytes: 5_000_000, rounds: 1 },
};

/** In run order. `ctx` holds the shared fixtures; fan-out starts the second replica itself. */
const BENCHMARKS = {
  heartbeat: (ctx, settings) => heartbeatBench({ ...ctx, settings }),
  // A database of its own holding the large fleet, and an instance on it.
  fleet: (ctx, settings) => fleetBench({ ...ctx, settings }),
  a2a: (ctx, settings) => a2aProxyBench({ ...ctx, settings }),
  streaming: (ctx, settings) => streamingBench({ ...ctx, settings }),
  fanout: async (ctx, settings) => {
    // Only now does a second replica join: the others measure a single-instance deployment.
    const appB = await startApp(ctx.scope, { ...ctx.appOptions, name: 'B' });
    return fanoutBench({ ...ctx, appA: ctx.app, appB, settings });
  },
  // Two replicas of its own, polling fast; A and B keep their cron loops idle.
  scheduler: (ctx, settings) => schedulerBench({ ...ctx, settings }),
  // Two more instances, each on its own corpus database.
  memory: (ctx, settings) => memorySearchBench({ ...ctx, settings }),
  // The same: two instances, two activity tables.
  activity: (ctx, settings) => activityListBench({ ...ctx, settings }),
  // An instance of its own driving the real Docker engine (skipped, and said so, without one).
  provision: (ctx, settings) => provisionBench({ ...ctx, settings }),
  uploads: async (ctx, settings) => {
    const ingest = await startIngestWorkspace(ctx.scope, { secret: UPLOAD_SECRET });
    const uploadWorkspace = await seedUploadWorkspace(ctx.scope, ctx.databaseUrl, ingest);
    return chatUploadBench({ ...ctx, ingest, uploadWorkspace, settings });
  },
};

const UPLOAD_SECRET = 'bench-inbound-secret';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const BUILT_APP = new URL('../dist/src/app.factory.js', import.meta.url);

async function main(scope, options) {
  if (!fs.existsSync(BUILT_APP)) throw new Error('no build in dist/: run `npm run build` first');
  const settings = options.quick ? QUICK : FULL;
  const selected = selectBenchmarks(options.only);
  const environment = {
    startedAt: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadAverage: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    quick: options.quick,
  };
  const stamp = environment.startedAt.replace(/[:.]/g, '-');
  const cpuProfileDir = options['cpu-prof'] ? `${BENCH_DIR}results/${stamp}-profiles` : undefined;
  const startedAt = performance.now();

  const databaseUrl = await step('PostgreSQL', () => startPostgres(scope));
  const appOptions = { databaseUrl, cpuProfileDir };
  // Instance A applies the migrations on boot; the fixtures go in after it.
  const app = await step('app A', () => startApp(scope, { ...appOptions, name: 'A' }));
  const idle = await idleFootprint(app);
  const agent = await startAgent(scope);
  const fixtures = await seed(scope, databaseUrl, settings.heartbeat.workspaces, agent);
  const ctx = { scope, app, agent, databaseUrl, appOptions, ...fixtures };

  const results = { idle };
  for (const [index, name] of selected.entries()) {
    results[name] = await step(`${index + 1}/${selected.length} ${name}`, () =>
      BENCHMARKS[name](ctx, settings[name]),
    );
  }

  environment.durationSeconds = Number(((performance.now() - startedAt) / 1000).toFixed(1));
  const document = { environment, settings, results, goals: goalRows({ results }) };
  process.stdout.write(`\n${renderReport(document)}\n`);
  const file = writeResults(`${BENCH_DIR}results`, `${stamp}.json`, document);
  // The last run, under a fixed name (the one docs/performance.md quotes and that is committed).
  const latest = writeResults(`${BENCH_DIR}results`, 'latest.json', document);
  process.stdout.write(
    `Results written to ${file} and ${latest} (total ${environment.durationSeconds} s)\n`,
  );
  if (cpuProfileDir) {
    // Written when the apps exit, i.e. during the cleanup that follows.
    process.stdout.write(
      `CPU profiles: ${cpuProfileDir} (profiled apps run slower: do not quote these numbers)\n`,
    );
  }
}

/**
 * The idle server's footprint: app A's memory once its boot has settled (its first background
 * passes run), as a process manager would see it, and after a full GC.
 */
async function idleFootprint(app) {
  await sleep(IDLE_SETTLE_MS);
  return { memory: await app.memory(), afterGc: await app.memory({ collect: true }) };
}

const IDLE_SETTLE_MS = 3000;

/** The heartbeat fleet (every workspace with a live token) and the agent's workspace. */
async function seed(scope, databaseUrl, fleetSize, agent) {
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  scope.defer('fixture pool', () => db.end());
  const fleet = await seedWorkspaces(db, { count: fleetSize, family: 'b1', name: 'bench-fleet' });
  const [workspace] = await seedWorkspaces(db, {
    count: 1,
    family: 'b2',
    url: agent.registeredUrl,
    name: 'bench-agent',
  });
  return { fleet, workspace };
}

/** The workspace the upload bench posts to: its URL is the ingest stand-in, with a secret. */
async function seedUploadWorkspace(scope, databaseUrl, ingest) {
  const db = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  scope.defer('upload fixture pool', () => db.end());
  const [workspace] = await seedWorkspaces(db, {
    count: 1,
    family: 'b3',
    url: ingest.registeredUrl,
    name: 'bench-uploads',
  });
  await db.query('UPDATE workspaces SET platform_inbound_secret = $2 WHERE id = $1', [
    workspace.id,
    UPLOAD_SECRET,
  ]);
  return { ...workspace, secret: UPLOAD_SECRET };
}

function selectBenchmarks(only) {
  if (!only) return Object.keys(BENCHMARKS);
  const wanted = only.split(',').map((name) => name.trim());
  const unknown = wanted.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) {
    throw new Error(
      `unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`,
    );
  }
  return Object.keys(BENCHMARKS).filter((name) => wanted.includes(name));
}

/** Progress on stderr, so stdout holds only the report. */
async function step(label, work) {
  const started = performance.now();
  process.stderr.write(`bench: ${label} …`);
  const result = await work();
  process.stderr.write(` ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}

const scope = new Scope();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    process.stderr.write(`\nbench: ${signal}, cleaning up\n`);
    void scope.close().then(() => process.exit(130));
  });
}
try {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
    },
  });
  await main(scope, values);
} catch (err) {
  // After a signal, whatever failed failed because the cleanup pulled the rug: not news.
  if (!interrupted) {
    const detail = err instanceof Error ? (err.stack ?? err.message) : err;
    process.stderr.write(`\nbench failed: ${detail}\n`);
  }
  process.exitCode = 1;
} finally {
  await scope.close();
}
