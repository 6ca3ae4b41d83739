import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startAgent } from '../agent.mjs';
import { startApp } from '../app-handle.mjs';
import { httpPool, runLoad, send } from '../load.mjs';
import { alternate, measure } from '../measure.mjs';
import { addCounts, sumCounts } from '../metrics.mjs';
import { seedWorkspaces } from '../seed.mjs';
import { compare, latencySummary } from '../stats.mjs';

/** A fire that never arrives fails the bench after this long, whatever the 30 s goal says. */
const GIVE_UP_MS = 120_000;

/**
 * 5. Cron scheduler: S schedules fall due at the same instant over W workspaces, and two
 * replicas (their own processes, polling every `pollIntervalMs`) claim and fire them. Each
 * message is counted at the agents: every schedule must arrive exactly once (checked again
 * two poll intervals after the last arrival, and against the rows' `run_count`). Lateness is
 * due time → arrival at the agent, so it includes the wait for the next poll.
 *
 * The comparison arm sends `proxyMessagesPerRound` `message/send` calls through
 * `POST /workspaces/:id/a2a` on the same two replicas (closed loop, `proxyConcurrency` per
 * replica): the path every fire takes, without the scheduler. cron / a2a compares throughput
 * and app CPU per message: what claiming and bookkeeping add, against what HTTP costs.
 */
export async function schedulerBench({ scope, appOptions, databaseUrl, settings }) {
  const { workspaces, agents, pollIntervalMs, rounds } = settings;
  const arrivals = new ArrivalLog();
  const fleetAgents = await Promise.all(
    Array.from({ length: agents }, () =>
      startAgent(scope, { onMessage: (request, at) => arrivals.add(request, at) }),
    ),
  );
  const env = { SCHEDULER_POLL_INTERVAL_MS: String(pollIntervalMs) };
  const replicas = await Promise.all(
    ['S1', 'S2'].map((name) => startApp(scope, { ...appOptions, name, env })),
  );

  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  scope.defer('scheduler bench pool', () => db.end());
  const fleet = [];
  for (const [i, agent] of fleetAgents.entries()) {
    const share = Math.ceil(workspaces / agents);
    const count = Math.min(share, workspaces - i * share);
    if (count <= 0) break;
    fleet.push(
      ...(await seedWorkspaces(db, {
        count,
        // Two hex digits per agent's share of the fleet (c0, c1, …): ids stay valid UUIDs.
        family: (0xc0 + i).toString(16),
        url: agent.registeredUrl,
        name: `bench-cron-${i}`,
      })),
    );
  }

  const pools = replicas.map((r) => httpPool(scope, r.baseUrl, settings.proxyConcurrency));
  const cron = new CronArm();
  const a2a = new A2aArm();
  let round = 0;
  const cronRound = async () => {
    const tag = `cron-r${round++}`;
    const { result, byApp } = await measure(replicas, () =>
      fireAtOnce(db, arrivals, { tag, fleet, settings }),
    );
    await checkExactlyOnce(db, arrivals, tag, settings);
    cron.add(result, byApp);
  };
  const a2aRound = async () => {
    const tag = `a2a-r${round++}`;
    const { result, byApp } = await measure(replicas, () =>
      runLoad({
        concurrency: settings.proxyConcurrency * pools.length,
        total: settings.proxyMessagesPerRound,
        request: (i) =>
          send(pools[i % pools.length], {
            method: 'POST',
            path: `/workspaces/${fleet[i % fleet.length].id}/a2a`,
            body: messageSend(`${tag}:${i}`),
          }),
      }),
    );
    if (arrivals.count(tag) !== settings.proxyMessagesPerRound) {
      throw new Error(`${tag}: messages lost`);
    }
    a2a.add(result, byApp);
  };
  // Warm-up of both paths (JIT, connections, prepared statements), not measured.
  const warmUp = { ...settings, schedulesPerRound: 200 };
  await fireAtOnce(db, arrivals, { tag: 'warm-cron', fleet, settings: warmUp });
  await runLoad({
    concurrency: 16,
    total: 200,
    request: (i) =>
      send(pools[i % pools.length], {
        method: 'POST',
        path: `/workspaces/${fleet[i % fleet.length].id}/a2a`,
        body: messageSend(`warm-a2a:${i}`),
      }),
  });
  await alternate(rounds, { cron: cronRound, a2a: a2aRound });

  const cronSummary = cron.summary(settings);
  const a2aSummary = a2a.summary();
  return {
    cron: cronSummary,
    a2a: a2aSummary,
    cronOverA2a: compare(cronSummary, a2aSummary, {
      throughput: (a) => a.messagesPerSec,
      appCpu: (a) => a.appCpuUsPerMessage,
    }),
  };
}

/**
 * Inserts the round's schedules, all due `leadMs` from now (the replicas are already polling),
 * and waits until every one has reached an agent.
 */
async function fireAtOnce(db, arrivals, { tag, fleet, settings }) {
  const { schedulesPerRound, leadMs } = settings;
  const dueAt = Date.now() + leadMs;
  await db.query(
    `INSERT INTO workspace_schedules (workspace_id, name, cron_expr, prompt, next_run_at)
     SELECT ws[1 + (n - 1) % array_length(ws, 1)], $2 || '-' || n, '0 0 1 1 *', $2 || ':' || n,
            to_timestamp($3 / 1000.0)
       FROM generate_series(1, $4) AS n, (SELECT $1::uuid[] AS ws) AS f`,
    [fleet.map((w) => w.id), tag, dueAt, schedulesPerRound],
  );
  const started = performance.now();
  while (arrivals.count(tag) < schedulesPerRound) {
    if (performance.now() - started > GIVE_UP_MS) {
      throw new Error(
        `${tag}: ${arrivals.count(tag)} of ${schedulesPerRound} fires after ${GIVE_UP_MS} ms`,
      );
    }
    await sleep(20);
  }
  return { tag, dueAt, lateness: arrivals.times(tag).map((at) => at - dueAt) };
}

/** Two more polls on both replicas, then: one arrival per schedule, one recorded run per row. */
async function checkExactlyOnce(db, arrivals, tag, settings) {
  await sleep(2 * settings.pollIntervalMs + 200);
  const perSchedule = arrivals.perKey(tag);
  const duplicated = [...perSchedule.values()].filter((n) => n !== 1).length;
  if (perSchedule.size !== settings.schedulesPerRound || duplicated > 0) {
    throw new Error(`${tag}: ${perSchedule.size} schedules fired, ${duplicated} more than once`);
  }
  for (const started = performance.now(); ; await sleep(50)) {
    const { rows } = await db.query(
      `SELECT count(*) FILTER (WHERE run_count = 1)::int AS once,
              count(*) FILTER (WHERE run_count > 1)::int AS more
         FROM workspace_schedules WHERE name LIKE $1`,
      [`${tag}-%`],
    );
    if (rows[0].more > 0) throw new Error(`${tag}: ${rows[0].more} rows ran more than once`);
    if (rows[0].once === settings.schedulesPerRound) return;
    if (performance.now() - started > 30_000) throw new Error(`${tag}: runs not recorded`);
  }
}

/** Every `message/send` the agents received, keyed by the `<tag>:<n>` text it carried. */
class ArrivalLog {
  #byTag = new Map();

  add(request, at) {
    const text = String(request.params?.message?.parts?.[0]?.text ?? '');
    const tag = text.slice(0, text.lastIndexOf(':'));
    let entry = this.#byTag.get(tag);
    if (!entry) this.#byTag.set(tag, (entry = { times: [], keys: new Map() }));
    entry.times.push(at);
    entry.keys.set(text, (entry.keys.get(text) ?? 0) + 1);
  }

  count(tag) {
    return this.#byTag.get(tag)?.times.length ?? 0;
  }

  times(tag) {
    return this.#byTag.get(tag)?.times ?? [];
  }

  perKey(tag) {
    return this.#byTag.get(tag)?.keys ?? new Map();
  }
}

class CronArm {
  lateness = [];
  rounds = [];
  count = 0;
  cpuUs = 0;
  statements = {};
  fired = {};

  add({ lateness }, byApp) {
    const last = Math.max(...lateness);
    this.rounds.push(last);
    for (const l of lateness) this.lateness.push(l);
    this.count += lateness.length;
    for (const [name, m] of Object.entries(byApp)) {
      this.cpuUs += m.probe.cpuUs;
      addCounts(this.statements, m.statements);
      this.fired[name] = (this.fired[name] ?? 0) + (m.statements['scheduler.record_run'] ?? 0);
    }
  }

  summary(settings) {
    const statementsPerMessage = {};
    for (const [name, n] of Object.entries(this.statements))
      statementsPerMessage[name] = n / this.count;
    // Throughput once the first poll after the due time has begun draining the backlog.
    const drainMs = this.rounds.reduce((a, b) => a + b, 0);
    return {
      messages: this.count,
      lastArrivalMsPerRound: this.rounds,
      allWithinDeadline: this.rounds.every((ms) => ms <= settings.deadlineMs),
      messagesPerSec: (this.count / drainMs) * 1000,
      latenessMs: latencySummary(this.lateness),
      appCpuUsPerMessage: this.cpuUs / this.count,
      dbStatementsPerMessage: statementsPerMessage,
      dbStatementsTotalPerMessage: sumCounts(this.statements) / this.count,
      firedByReplica: this.fired,
    };
  }
}

class A2aArm {
  latencies = [];
  count = 0;
  elapsedMs = 0;
  cpuUs = 0;
  statements = {};

  add({ count, elapsedMs, latencies }, byApp) {
    this.count += count;
    this.elapsedMs += elapsedMs;
    for (const l of latencies) this.latencies.push(l);
    for (const m of Object.values(byApp)) {
      this.cpuUs += m.probe.cpuUs;
      addCounts(this.statements, m.statements);
    }
  }

  summary() {
    return {
      messages: this.count,
      messagesPerSec: (this.count / this.elapsedMs) * 1000,
      latencyMs: latencySummary(this.latencies),
      appCpuUsPerMessage: this.cpuUs / this.count,
      dbStatementsTotalPerMessage: sumCounts(this.statements) / this.count,
    };
  }
}

function messageSend(text) {
  return JSON.stringify({
    method: 'message/send',
    params: { message: { role: 'user', parts: [{ kind: 'text', text }] } },
  });
}
