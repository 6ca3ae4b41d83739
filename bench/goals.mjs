/**
 * The goals, checked against one run: for each scenario what we measured, the baseline
 * it is read against (the floor, the direct call, the bare engine, or the smaller table),
 * their ratio, the goal and whether it was met. Scenarios that did not run are left out.
 */
const MIB = 1024 * 1024;
const MB_IN_MIB = 1e6 / MIB;

export function goalRows({ results: r }) {
  const rows = [];
  const add = (row) => rows.push({ ...row, met: row.met === undefined ? null : row.met });
  const ratio = (a, b) => (b ? a / b : NaN);
  if (r.heartbeat) {
    const { heartbeat: hb, floor, health, floorHealth } = r.heartbeat;
    add({
      scenario: 'heartbeat, 500 workspaces, saturation: req/s',
      ours: hb.throughputPerSec,
      baseline: floor.throughputPerSec,
      baselineIs: 'floor (node:http + pg)',
      ratio: ratio(hb.throughputPerSec, floor.throughputPerSec),
      goal: '≥ 0.60 × floor',
      met: ratio(hb.throughputPerSec, floor.throughputPerSec) >= 0.6,
    });
    add({
      scenario: 'heartbeat: app CPU µs per beat',
      ours: hb.appCpuUsPerOp,
      baseline: floor.appCpuUsPerOp,
      baselineIs: 'floor (node:http + pg)',
      ratio: ratio(hb.appCpuUsPerOp, floor.appCpuUsPerOp),
      goal: '≤ 450 µs',
      met: hb.appCpuUsPerOp <= 450,
    });
    add({
      scenario: 'GET /health: app CPU µs per request',
      ours: health.appCpuUsPerOp,
      baseline: floorHealth.appCpuUsPerOp,
      baselineIs: 'bare node:http',
      ratio: ratio(health.appCpuUsPerOp, floorHealth.appCpuUsPerOp),
      goal: '≤ 150 µs',
      met: health.appCpuUsPerOp <= 150,
    });
  }
  if (r.fleet) {
    const { small, large, fleets } = r.fleet;
    const x = ratio(large.throughputPerSec, small.throughputPerSec);
    add({
      scenario: `heartbeat at ${fleets.large.toLocaleString('en')} workspaces: req/s`,
      ours: large.throughputPerSec,
      baseline: small.throughputPerSec,
      baselineIs: `${fleets.small} workspaces`,
      ratio: x,
      goal: 'within 15 %',
      met: x >= 0.85,
    });
  }
  if (r.a2a) {
    const { direct, proxy, serial } = r.a2a;
    add({
      scenario: 'A2A proxy, concurrency 1: p50 ms (added)',
      ours: serial.proxy.latencyMs.p50,
      baseline: serial.direct.latencyMs.p50,
      baselineIs: 'agent called directly',
      ratio: ratio(serial.proxy.latencyMs.p50, serial.direct.latencyMs.p50),
      goal: '≤ +1 ms',
      met: serial.addedP50Ms <= 1,
      note: `+${serial.addedP50Ms.toFixed(2)} ms`,
    });
    const x = ratio(proxy.throughputPerSec, direct.throughputPerSec);
    add({
      scenario: 'A2A proxy, concurrency 16: req/s',
      ours: proxy.throughputPerSec,
      baseline: direct.throughputPerSec,
      baselineIs: 'agent called directly',
      ratio: x,
      goal: '≥ 0.50 × direct',
      met: x >= 0.5,
    });
    add({
      scenario: 'A2A proxy: app CPU µs per call',
      ours: proxy.appCpuUsPerOp,
      baseline: NaN,
      baselineIs: '–',
      ratio: NaN,
      goal: '≤ 450 µs',
      met: proxy.appCpuUsPerOp <= 450,
    });
  }
  if (r.streaming) {
    const [replyMiB, growth] = Object.entries(r.streaming.peakGrowthMiB).sort(
      ([a], [b]) => Number(b) - Number(a),
    )[0];
    add({
      scenario: `A2A streamed reply ${replyMiB} MiB: RSS growth MB`,
      ours: growth.rss / MB_IN_MIB,
      baseline: r.streaming.direct.large.mibPerSec,
      baselineIs: 'direct MiB/s (proxy / direct MiB/s →)',
      ratio: r.streaming.proxyOverDirect.largeThroughput,
      goal: '≤ 30 MB',
      met: growth.rss / MB_IN_MIB <= 30,
    });
  }
  if (r.uploads) {
    const u = r.uploads;
    add({
      scenario: 'chat upload 50 MB (forwarded): RSS growth MB',
      ours: u.peakGrowthMiB.rss / MB_IN_MIB,
      baseline: u.direct.totalMs,
      baselineIs: 'direct ms (platform / direct time →)',
      ratio: u.platformOverDirect.totalMs,
      goal: '≤ 30 MB',
      met: u.peakGrowthMiB.rss / MB_IN_MIB <= 30,
    });
    if (u.staged && !u.staged.skipped) {
      add({
        scenario: 'chat upload 50 MB (staged, no ingest): RSS growth MB',
        ours: u.staged.peakGrowthMiB.rss / MB_IN_MIB,
        baseline: NaN,
        baselineIs: '–',
        ratio: NaN,
        goal: '≤ 30 MB',
        met: u.staged.peakGrowthMiB.rss / MB_IN_MIB <= 30,
      });
    }
  }
  if (r.activity) {
    for (const q of Object.values(r.activity.byQuery)) {
      const x = ratio(q.large.latencyMs.p99, q.small.latencyMs.p99);
      add({
        scenario: `activity list, ${r.activity.corpora.large.rows.toLocaleString('en')} rows (${q.query}): p99 ms`,
        ours: q.large.latencyMs.p99,
        baseline: q.small.latencyMs.p99,
        baselineIs: `${r.activity.corpora.small.rows.toLocaleString('en')} rows`,
        ratio: x,
        goal: '≤ 15 ms; ≤ 1.2 × small',
        met: q.large.latencyMs.p99 <= 15 && x <= 1.2,
      });
    }
  }
  if (r.memory) {
    const x = r.memory.largeOverSmall.p99;
    add({
      scenario: 'memory search, 1 M memories: p99 ms',
      ours: r.memory.large.latencyMs.p99,
      baseline: r.memory.small.latencyMs.p99,
      baselineIs: '102 k memories',
      ratio: x,
      goal: '≤ 20 ms',
      met: r.memory.large.latencyMs.p99 <= 20,
    });
  }
  if (r.scheduler) {
    const c = r.scheduler.cron;
    add({
      scenario: 'scheduler, 5,000 due on two replicas: last arrival ms',
      ours: Math.max(...c.lastArrivalMsPerRound),
      baseline: r.scheduler.a2a.messagesPerSec,
      baselineIs: 'via /a2a msg/s (cron / a2a msg/s →)',
      ratio: r.scheduler.cronOverA2a.throughput,
      goal: 'all exactly once ≤ 30 s',
      met: c.allWithinDeadline,
    });
  }
  if (r.fanout) {
    const s = r.fanout.same;
    add({
      scenario: `WebSocket fan-out, ${r.fanout.clients} clients, ${s.eventsPerSec.toFixed(0)} events/s: delivery p99 ms`,
      ours: s.latencyMs.p99,
      baseline: s.notifySeenMs.p99,
      baselineIs: 'NOTIFY seen outside the app',
      ratio: ratio(s.latencyMs.p99, s.notifySeenMs.p99),
      goal: '≤ 100 ms, none lost',
      met: s.latencyMs.p99 <= 100 && s.lostFrames === 0,
      note: `${s.lostFrames} lost`,
    });
  }
  if (r.provision && !r.provision.skipped) {
    const o = r.provision.overhead;
    add({
      scenario: 'provision: POST /workspaces → started, median ms',
      ours: o.platformMs.p50,
      baseline: o.bareMs.p50,
      baselineIs: 'bare engine create + start',
      ratio: o.platformOverBare,
      goal: '≤ 1.2 × bare',
      met: o.platformOverBare <= 1.2,
    });
  }
  if (r.idle) {
    add({
      scenario: 'idle server after boot: RSS MB',
      ours: r.idle.memory.rss / 1e6,
      baseline: NaN,
      baselineIs: '–',
      ratio: NaN,
      goal: '≤ 150 MB',
      met: r.idle.memory.rss / 1e6 <= 150,
    });
  }
  return rows;
}
