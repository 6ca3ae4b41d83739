import * as fs from 'node:fs';
import * as path from 'node:path';
import { goalRows } from './goals.mjs';

const MIB = 1024 * 1024;

/** The human-readable report: one section per benchmark, absolute numbers then ratios. */
export function renderReport({ environment, settings, results }) {
  const out = [
    `Molecule platform bench — ${environment.startedAt}`,
    `node ${environment.node}, ${environment.cpus} CPUs, load average at start ${environment.loadAverage}`,
    'Ratios compare arms measured in alternating rounds of this one run; read them, not the absolutes.',
    '',
  ];
  if (results.heartbeat) out.push(...heartbeatSection(results.heartbeat, settings.heartbeat));
  if (results.fleet) out.push(...fleetSection(results.fleet, settings.fleet));
  if (results.a2a) out.push(...a2aSection(results.a2a, settings.a2a));
  if (results.streaming) out.push(...streamingSection(results.streaming, settings.streaming));
  if (results.fanout) out.push(...fanoutSection(results.fanout, settings.fanout));
  if (results.scheduler) out.push(...schedulerSection(results.scheduler, settings.scheduler));
  if (results.memory) out.push(...memorySection(results.memory, settings.memory));
  if (results.activity) out.push(...activitySection(results.activity, settings.activity));
  if (results.provision) out.push(...provisionSection(results.provision, settings.provision));
  if (results.uploads) out.push(...uploadSection(results.uploads, settings.uploads));
  if (results.idle) out.push(...idleSection(results.idle));
  out.push(...goalsSection(goalRows({ results })));
  return out.join('\n');
}

/** Every goal of the issue in one table: ours, what it is read against, the ratio, met or not. */
function goalsSection(rows) {
  const number = (v) =>
    typeof v === 'number' && Number.isFinite(v) ? v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2) : '–';
  return [
    'Goals — ours against its baseline, measured side by side in this run',
    ...table(
      ['scenario', 'ours', 'baseline', 'baseline is', 'ratio', 'goal', 'met'],
      rows.map((r) => [
        r.scenario,
        r.note ? `${number(r.ours)} (${r.note})` : number(r.ours),
        number(r.baseline),
        r.baselineIs,
        times(r.ratio),
        r.goal,
        r.met === null ? '–' : r.met ? 'yes' : 'NO',
      ]),
    ),
    '',
  ];
}

function fleetSection(r, s) {
  return [
    `1b. Heartbeat at fleet size — ${r.fleets.large.toLocaleString('en')} workspaces (an instance and ` +
      `database of their own) vs app A's ${r.fleets.small}; ${s.rounds} rounds × ${s.requestsPerRound} ` +
      `beats per arm, concurrency ${s.concurrency} (large fleet seeded in ${fixed(1)(r.fleets.seedSeconds)} s)`,
    ...table(HTTP_COLUMNS, [
      httpRow(`${r.fleets.small} workspaces`, r.small),
      httpRow(`${r.fleets.large.toLocaleString('en')} workspaces`, r.large),
      ratioRow('large / small', r.largeOverSmall),
    ]),
    statementLine('DB statements per heartbeat (large)', r.large.dbStatementsPerOp),
    '',
  ];
}

function activitySection(r, s) {
  const corpus = (c) => `${c.rows.toLocaleString('en')} rows / ${c.workspaces} workspaces`;
  const rows = [];
  for (const [kind, q] of Object.entries(r.byQuery)) {
    rows.push(httpRow(`${kind}: small`, q.small), httpRow(`${kind}: large`, q.large));
    rows.push(ratioRow(`${kind}: large / small`, q.largeOverSmall));
  }
  return [
    `9. Activity list — GET /workspaces/:id/activity, ${s.rounds} rounds × ${s.requestsPerRound} ` +
      `listings per arm and query, concurrency ${s.concurrency}`,
    `   tables: small ${corpus(r.corpora.small)} (seeded in ${fixed(0)(r.corpora.small.seedSeconds)} s), ` +
      `large ${corpus(r.corpora.large)} (${fixed(0)(r.corpora.large.seedSeconds)} s); queries: ` +
      Object.entries(r.byQuery)
        .map(([kind, q]) => `${kind} = ?${q.query}`)
        .join(', '),
    ...table(HTTP_COLUMNS, rows),
    statementLine(
      'DB statements per listing (large, newest)',
      r.byQuery.newest.large.dbStatementsPerOp,
    ),
    '',
  ];
}

function idleSection(r) {
  return [
    `10. Idle footprint — app A ${IDLE_NOTE}: RSS ${mib(r.memory.rss)} MiB ` +
      `(${fixed(0)(r.memory.rss / 1e6)} MB), heap used ${mib(r.memory.heapUsed)} MiB; after a full GC ` +
      `RSS ${mib(r.afterGc.rss)} MiB, heap used ${mib(r.afterGc.heapUsed)} MiB`,
    '',
  ];
}

const IDLE_NOTE = 'booted, migrations applied, 3 s idle, before any request';

export function writeResults(dir, fileName, document) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, fileName);
  fs.writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}

function heartbeatSection(r, s) {
  const { before, after, afterGc } = r.memory;
  return [
    `1. Heartbeat — ${s.workspaces} workspaces with live tokens, ${s.rounds} rounds × ` +
      `${s.requestsPerRound} requests per arm, concurrency ${s.concurrency}`,
    ...table(HTTP_COLUMNS, [
      httpRow('GET /health', r.health),
      httpRow('POST /registry/heartbeat', r.heartbeat),
      httpRow('floor: node:http + pg, same statement', r.floor),
      httpRow('floor: GET /health on bare node:http', r.floorHealth),
      ratioRow('heartbeat / health', r.heartbeatOverHealth),
      ratioRow('heartbeat / floor', r.heartbeatOverFloor),
      ratioRow('health / floor health', r.healthOverFloor),
    ]),
    statementLine('DB statements per heartbeat', r.heartbeat.dbStatementsPerOp),
    `   App memory over the benchmark: RSS ${mib(before.rss)} → ${mib(after.rss)} MiB ` +
      `(${mib(afterGc.rss)} after GC); heap used ${mib(before.heapUsed)} → ` +
      `${mib(after.heapUsed)} MiB (${mib(afterGc.heapUsed)} after GC)`,
    '',
  ];
}

function a2aSection(r, s) {
  return [
    `2. A2A proxy — message/send, ${s.rounds} rounds × ${s.requestsPerRound} calls per arm, ` +
      `concurrency ${s.concurrency}`,
    ...table(HTTP_COLUMNS, [
      httpRow('direct to the agent', r.direct, { clientSideOnly: true }),
      httpRow('through POST /workspaces/:id/a2a', r.proxy),
      ratioRow('proxy / direct', r.proxyOverDirect),
    ]),
    statementLine('DB statements per proxied call', r.proxy.dbStatementsPerOp),
    ...(r.serial
      ? [
          `   One call at a time (${s.rounds} rounds × ${s.serialPerRound}): p50 direct ` +
            `${fixed(2)(r.serial.direct.latencyMs.p50)} ms, through the proxy ` +
            `${fixed(2)(r.serial.proxy.latencyMs.p50)} ms: +${fixed(2)(r.serial.addedP50Ms)} ms added; ` +
            `app CPU ${fixed(0)(r.serial.proxy.appCpuUsPerOp)} µs per call`,
        ]
      : []),
    '',
  ];
}

function streamingSection(r, s) {
  const { direct, proxy, proxyOverDirect: ratios } = r;
  const row = (label, pick, ratio, digits) => [
    label,
    fixed(digits)(pick(direct)),
    fixed(digits)(pick(proxy)),
    times(ratio),
  ];
  return [
    `3. Streaming — message/stream SSE, direct vs through the proxy; ${s.ttfbSamples} small ` +
      `streams (${kib(s.smallStreamBytes)} KiB) and ${s.largeRounds} large ones ` +
      `(${r.replyMiB} MiB in ${kib(s.eventBytes)} KiB events) per arm`,
    ...table(
      ['', 'direct', 'proxy', 'proxy / direct'],
      [
        row('TTFB p50, small streams (ms)', (a) => a.ttfbMs.p50, ratios.ttfbP50, 2),
        row('TTFB p99, small streams (ms)', (a) => a.ttfbMs.p99, ratios.ttfbP99, 2),
        row('TTFB, large stream, median (ms)', (a) => a.large.ttfbMs, ratios.largeTtfb, 2),
        row('large stream, median total (ms)', (a) => a.large.totalMs, ratios.largeTotal, 0),
        row('large stream, median MiB/s', (a) => a.large.mibPerSec, ratios.largeThroughput, 0),
      ],
    ),
    ...Object.entries(r.peakGrowthMiB)
      .sort(([a], [b]) => Number(b) - Number(a))
      .map(
        ([replyMiB, growth]) =>
          `   App peak growth relaying ${replyMiB} MiB (worst run): RSS +${fixed(1)(growth.rss)} MiB ` +
          `(${fixed(0)((growth.rss / Number(replyMiB)) * 100)}% of the reply), ` +
          `Buffers +${fixed(1)(growth.arrayBuffers)} MiB, JS heap +${fixed(1)(growth.heapUsed)} MiB`,
      ),
    '',
  ];
}

function fanoutSection(r, s) {
  const row = (label, a) => [
    label,
    fixed(0)(a.eventsPerSec),
    fixed(0)(a.framesPerSec),
    fixed(2)(a.heartbeatLatencyMs.p50),
    fixed(2)(a.notifySeenMs.p50),
    fixed(2)(a.latencyMs.p50),
    fixed(2)(a.latencyMs.p99),
    String(a.lostFrames),
    fixed(2)(a.notifyRoundTripsPerEvent),
    `${fixed(0)(a.appCpuUsPerEvent.A)} / ${fixed(0)(a.appCpuUsPerEvent.B)}`,
  ];
  const ratios = r.crossOverSame;
  return [
    `4. Event fan-out — ${r.clients} canvas WebSocket clients on instance A; ${s.rounds} rounds × ` +
      `${s.eventsPerRound} heartbeat events per arm`,
    ...table(
      [
        '',
        'events/s',
        'frames/s',
        'heartbeat p50',
        'NOTIFY p50',
        'delivery p50',
        'delivery p99',
        'lost',
        'NOTIFY/event',
        'CPU µs/event A / B',
      ],
      [
        row(`same replica, ${s.eventsPerSec}/s → A`, r.same),
        row(`cross replica, ${s.eventsPerSec}/s → B → PG → A`, r.cross),
        [
          'cross / same',
          '',
          times(ratios.framesPerSec),
          times(ratios.heartbeatP50),
          '',
          times(ratios.deliveryP50),
          times(ratios.deliveryP99),
          '',
          '',
          '',
        ],
        row(`same replica, unpaced (${s.saturationConcurrency} in flight)`, r.saturated),
      ],
    ),
    '   Times in ms from the moment each heartbeat was sent: heartbeat = its own HTTP round trip;',
    '   NOTIFY = its event reached a LISTEN connection outside the apps; delivery = frame received, every client.',
    '   NOTIFY/event = events.notify_batch statements on the instance that took the heartbeats ÷ events',
    '   (below 1: several events shared one NOTIFY round trip).',
    '',
  ];
}

function schedulerSection(r, s) {
  const { cron, a2a, cronOverA2a: ratios } = r;
  const ms = (summary) => [summary.p50, summary.p90, summary.p99, summary.max].map(fixed(0));
  return [
    `5. Scheduler — ${s.schedulesPerRound} schedules due at once over ${s.workspaces} workspaces ` +
      `and ${s.agents} agents, two replicas polling every ${s.pollIntervalMs} ms; ` +
      `${s.rounds} rounds per arm`,
    ...table(
      ['', 'messages/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'app CPU µs/msg', 'DB stmts/msg'],
      [
        [
          'cron fires: lateness, due → at the agent',
          fixed(0)(cron.messagesPerSec),
          ...ms(cron.latenessMs),
          fixed(0)(cron.appCpuUsPerMessage),
          fixed(2)(cron.dbStatementsTotalPerMessage),
        ],
        [
          `${s.proxyMessagesPerRound} × POST /a2a, ${s.proxyConcurrency} in flight per replica`,
          fixed(0)(a2a.messagesPerSec),
          ...ms(a2a.latencyMs),
          fixed(0)(a2a.appCpuUsPerMessage),
          fixed(2)(a2a.dbStatementsTotalPerMessage),
        ],
        ['cron / a2a', times(ratios.throughput), '', '', '', '', times(ratios.appCpu), ''],
      ],
    ),
    `   Every schedule arrived exactly once in every round (counted at the agents, re-checked ` +
      `two polls later and against run_count); last arrival per round: ` +
      `${cron.lastArrivalMsPerRound.map(fixed(0)).join(', ')} ms after the due time ` +
      `(${cron.allWithinDeadline ? 'all' : 'NOT all'} within ${s.deadlineMs / 1000} s).`,
    `   Fires per replica: ${Object.entries(cron.firedByReplica)
      .map(([name, n]) => `${name} ${n}`)
      .join(' · ')}. Lateness includes the wait for the first poll after the due time.`,
    statementLine('DB statements per cron fire, both replicas', cron.dbStatementsPerMessage),
    '',
  ];
}

function provisionSection(r, s) {
  if (r.skipped) return [`7. Provisioning — did not run: ${r.skipped}`, ''];
  const { overhead: o, fleet: f } = r;
  const row = (label, a) => [label, fixed(0)(a.p50), fixed(0)(a.p90), fixed(0)(a.max)];
  return [
    `7. Provisioning on the Docker engine — ${s.overhead.rounds} rounds × ${s.overhead.perRound} ` +
      'workspaces per arm, one at a time; times in ms to the container’s start event',
    ...table(
      ['', 'p50', 'p90', 'max'],
      [
        row('bare engine create + start', o.bareMs),
        row('POST /workspaces → container started', o.platformMs),
        ['platform / bare (medians)', times(o.platformOverBare), '', ''],
      ],
    ),
    `   Medians: request → engine create ${fixed(0)(o.phases.platform.toCreate)} ms ` +
      `(bare ${fixed(0)(o.phases.bare.toCreate)}), create → start ` +
      `${fixed(0)(o.phases.platform.createToStart)} ms (bare ${fixed(0)(o.phases.bare.createToStart)}; ` +
      'the platform writes /configs into the created container in between)',
    `   ${f.size} workspaces created at once: ${f.created} accepted, ${f.errors} errors, ` +
      `${f.online} online after ${fixed(0)(f.allOnlineMs)} ms ` +
      `(p50 ${fixed(0)(f.onlineMs.p50)} ms, p90 ${fixed(0)(f.onlineMs.p90)} ms); ` +
      `containers created per workspace at most ${f.maxCreatesPerWorkspace}, started at most ` +
      `${f.maxStartsPerWorkspace}`,
    '',
  ];
}

function uploadSection(r, s) {
  const row = (label, pick, ratio, digits) => [
    label,
    fixed(digits)(pick(r.direct)),
    fixed(digits)(pick(r.platform)),
    times(ratio),
  ];
  const growth = r.peakGrowthMiB;
  return [
    `8. Chat upload — ${fixed(1)(r.bodyMiB)} MiB multipart (${s.files} × ${fixed(1)(s.fileBytes / MIB)} MiB ` +
      `files), ${s.rounds} uploads per arm, direct to the ingest endpoint vs through the platform`,
    ...table(
      ['', 'direct', 'platform', 'platform / direct'],
      [
        row('median total (ms)', (a) => a.totalMs, r.platformOverDirect.totalMs, 0),
        row('median MiB/s', (a) => a.mibPerSec, r.platformOverDirect.throughput, 0),
      ],
    ),
    `   App peak growth while forwarding (worst run): RSS +${fixed(1)(growth.rss)} MiB ` +
      `(${fixed(0)((growth.rss / r.bodyMiB) * 100)}% of the body; goal ≤ 30 MB for 50 MB), ` +
      `Buffers +${fixed(1)(growth.arrayBuffers)} MiB, JS heap +${fixed(1)(growth.heapUsed)} MiB; ` +
      `app CPU ${fixed(0)(r.appCpuMsPerUpload)} ms per upload`,
    ...stagedLines(r.staged),
    '',
  ];
}

/** The staged path (runtime without ingest, real engine), or why it did not run. */
function stagedLines(staged) {
  if (!staged) return [];
  if (staged.skipped)
    return [`   Staged path (no ingest endpoint): did not run: ${staged.skipped}`];
  const growth = staged.peakGrowthMiB;
  return [
    `   Staged path (no ingest endpoint, real engine): median ${fixed(0)(staged.totalMs)} ms, ` +
      `${fixed(0)(staged.mibPerSec)} MiB/s; app peak growth RSS +${fixed(1)(growth.rss)} MiB, ` +
      `Buffers +${fixed(1)(growth.arrayBuffers)} MiB, JS heap +${fixed(1)(growth.heapUsed)} MiB; ` +
      `app CPU ${fixed(0)(staged.appCpuMsPerUpload)} ms per upload`,
  ];
}

const HTTP_COLUMNS = [
  '',
  'req/s',
  'p50 ms',
  'p99 ms',
  'app CPU µs/req',
  'app heap KiB/req',
  'GC ms/1k req',
];

/** `clientSideOnly`: the calls never reached the app, so its columns say nothing. */
function memorySection(r, s) {
  const corpus = (c) => `${c.memories.toLocaleString('en')} memories / ${c.workspaces} workspaces`;
  const scopeRows = Object.entries(r.byScope).map(([name, arms]) => [
    name,
    fixed(2)(arms.small.latencyMs.p50),
    fixed(2)(arms.small.latencyMs.p99),
    fixed(2)(arms.large.latencyMs.p50),
    fixed(2)(arms.large.latencyMs.p99),
    times(arms.large.latencyMs.p99 / arms.small.latencyMs.p99),
  ]);
  return [
    `6. Memory search — GET /workspaces/:id/memories, mixed scopes and queries, ${s.rounds} rounds × ` +
      `${s.requestsPerRound} searches per arm, concurrency ${s.concurrency}`,
    `   corpora: small ${corpus(r.corpora.small)} (seeded in ${fixed(0)(r.corpora.small.seedSeconds)} s), ` +
      `large ${corpus(r.corpora.large)} (${fixed(0)(r.corpora.large.seedSeconds)} s)`,
    ...table(HTTP_COLUMNS, [
      httpRow('small corpus', r.small),
      httpRow('large corpus', r.large),
      ratioRow('large / small', r.largeOverSmall),
    ]),
    statementLine('DB statements per search (large)', r.large.dbStatementsPerOp),
    `   By scope (${s.scopeRequests} × 2 searches per arm), ms:`,
    ...table(
      ['scope', 'small p50', 'small p99', 'large p50', 'large p99', 'large/small p99'],
      scopeRows,
    ),
    '',
  ];
}

function httpRow(label, a, { clientSideOnly = false } = {}) {
  const app = (digits, value) => (clientSideOnly ? '–' : fixed(digits)(value));
  return [
    label,
    fixed(0)(a.throughputPerSec),
    fixed(2)(a.latencyMs.p50),
    fixed(2)(a.latencyMs.p99),
    app(0, a.appCpuUsPerOp),
    app(1, a.appAllocKiBPerOp),
    app(1, a.appGcPauseMsPer1kOps),
  ];
}

/** Ratios that were not computed (app-side ones of a client-side comparison) stay blank. */
function ratioRow(label, ratios) {
  const cell = (value) => (value === undefined ? '' : times(value));
  return [
    label,
    cell(ratios.throughput),
    cell(ratios.p50),
    cell(ratios.p99),
    cell(ratios.appCpu),
    cell(ratios.appHeap),
    '',
  ];
}

/** Most frequent first; tiny fractions are background loops, shown so nothing hides. */
function statementLine(title, perOp) {
  const entries = Object.entries(perOp).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const list = entries.map(([name, n]) => `${name} ${fixed(2)(n)}`).join(' · ');
  return `   ${title} (${fixed(2)(total)}): ${list || 'none'}`;
}

/** Left-aligned first column, right-aligned numbers, indented under the section title. */
function table(headers, rows) {
  const all = [headers, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = headers.map((_, col) => Math.max(...all.map((row) => row[col].length)));
  return all.map(
    (row) =>
      '   ' +
      row
        .map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col])))
        .join('   '),
  );
}

const fixed = (digits) => (value) =>
  typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : String(value);
const times = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : '–');
const mib = (bytes) => (bytes / MIB).toFixed(1);
const kib = (bytes) => Math.round(bytes / 1024);
