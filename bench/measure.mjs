import { setTimeout as sleep } from 'node:timers/promises';
import { runLoad } from './load.mjs';
import { addCounts, dbStatements, statementDelta } from './metrics.mjs';
import { latencySummary } from './stats.mjs';

const SETTLE_POLL_MS = 25;
const SETTLE_MAX_POLLS = 80;

/**
 * Runs `work` and measures it inside every app: CPU, allocations, GC and memory (probe.mjs)
 * and the DB statements it caused. The probe stops as soon as the work is done (the
 * /metrics scrapes below cost CPU of their own); the statement count waits until the
 * counters stop moving, so work a request leaves detached — activity rows, queue claims,
 * NOTIFY batches — is still billed to it.
 */
export async function measure(apps, work, { sampleEveryMs } = {}) {
  const before = await scrapeAll(apps);
  await Promise.all(apps.map((app) => app.probeStart({ sampleEveryMs })));
  const result = await work();
  const probes = await Promise.all(apps.map((app) => app.probeStop()));
  const after = await settledStatements(apps);
  const byApp = {};
  apps.forEach((app, i) => {
    byApp[app.name] = { probe: probes[i], statements: statementDelta(after[i], before[i]) };
  });
  return { result, byApp };
}

/** One arm's burst for `alternate`: closed-loop `load` against `app`, measured into `arm`. */
export function measuredBurst(app, arm, load) {
  return async () => {
    const { result, byApp } = await measure([app], () => runLoad(load));
    arm.add(result, byApp[app.name]);
  };
}

const scrapeAll = (apps) => Promise.all(apps.map((app) => dbStatements(app.baseUrl)));

async function settledStatements(apps) {
  let last = await scrapeAll(apps);
  for (let poll = 0; poll < SETTLE_MAX_POLLS; poll++) {
    await sleep(SETTLE_POLL_MS);
    const now = await scrapeAll(apps);
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  return last;
}

/**
 * Runs every arm once per round, reversing the order every other round (A B, B A, A B …),
 * so slow drift on a shared machine — other jobs, PostgreSQL checkpoints, a warming JIT —
 * lands on both arms alike and the ratio between them stays honest.
 */
export async function alternate(rounds, arms) {
  const names = Object.keys(arms);
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) await arms[name](round);
  }
}

/**
 * One side of a comparison, accumulated over rounds: client-side latencies and throughput,
 * app-side cost per operation (CPU, heap allocation, GC, DB statements).
 */
export class Arm {
  latencies = [];
  count = 0;
  elapsedMs = 0;
  cost = { cpuUs: 0, allocatedBytes: 0, gcCount: 0, gcPauseMs: 0 };
  statements = {};

  /** `count` operations took `elapsedMs` wall time and cost what `appMeasurement` saw. */
  add({ count, elapsedMs, latencies }, appMeasurement) {
    this.count += count;
    this.elapsedMs += elapsedMs;
    for (const l of latencies) this.latencies.push(l);
    if (appMeasurement) {
      for (const key of Object.keys(this.cost)) this.cost[key] += appMeasurement.probe[key];
      addCounts(this.statements, appMeasurement.statements);
    }
  }

  summary() {
    const per = (value) => value / this.count;
    const statements = {};
    for (const [name, count] of Object.entries(this.statements)) statements[name] = per(count);
    return {
      count: this.count,
      throughputPerSec: (this.count / this.elapsedMs) * 1000,
      latencyMs: latencySummary(this.latencies),
      appCpuUsPerOp: per(this.cost.cpuUs),
      appAllocKiBPerOp: per(this.cost.allocatedBytes) / 1024,
      appGcPauseMsPer1kOps: per(this.cost.gcPauseMs) * 1000,
      dbStatementsPerOp: statements,
    };
  }
}
