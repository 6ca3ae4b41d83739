import { performance } from 'node:perf_hooks';
import { httpPool } from '../load.mjs';
import { alternate, measure } from '../measure.mjs';
import { compare, latencySummary, median } from '../stats.mjs';

const MIB = 1024 * 1024;

/**
 * 3. Streaming: `message/stream` replies passed through the proxy as SSE, against the same
 * stream read straight from the agent. Two measurements:
 * - time to first byte, over many small streams read one at a time (a stable ratio);
 * - large streams (e.g. 64 MiB in 64 KiB events): TTFB, throughput, and the app's peak memory
 *   growth while relaying, sampled inside the app — a proxy that buffered the reply whole
 *   would grow by at least the reply size. A quarter-size reply is relayed too: growth that
 *   does not scale with the reply is a bounded buffer, not the reply.
 */
export async function streamingBench({ scope, app, agent, workspace, settings }) {
  const { ttfbSamples, smallStreamBytes, largeStreamBytes, eventBytes, largeRounds } = settings;
  const quarterBytes = largeStreamBytes / 4;
  const targets = {
    direct: { pool: httpPool(scope, agent.directOrigin, 1), path: '/' },
    proxy: { pool: httpPool(scope, app.baseUrl, 1), path: `/workspaces/${workspace.id}/a2a` },
  };
  const small = (target) => readStream(target, smallStreamBytes, eventBytes);

  await small(targets.direct);
  await small(targets.proxy);
  const ttfb = { direct: [], proxy: [] };
  await alternate(ttfbSamples, {
    direct: async () => ttfb.direct.push((await small(targets.direct)).ttfbMs),
    proxy: async () => ttfb.proxy.push((await small(targets.proxy)).ttfbMs),
  });

  const large = { direct: [], proxy: [], proxyQuarter: [] };
  const relayed = async (runs, bytes) => {
    const { result, byApp } = await measure(
      [app],
      () => readStream(targets.proxy, bytes, eventBytes),
      { sampleEveryMs: 5 },
    );
    runs.push({ ...result, probe: byApp[app.name].probe });
  };
  await alternate(largeRounds, {
    direct: async () =>
      large.direct.push(await readStream(targets.direct, largeStreamBytes, eventBytes)),
    proxy: () => relayed(large.proxy, largeStreamBytes),
    proxyQuarter: () => relayed(large.proxyQuarter, quarterBytes),
  });

  const direct = { ttfbMs: latencySummary(ttfb.direct), large: largeSummary(large.direct) };
  const proxy = { ttfbMs: latencySummary(ttfb.proxy), large: largeSummary(large.proxy) };
  return {
    direct,
    proxy,
    proxyOverDirect: compare(proxy, direct, {
      ttfbP50: (a) => a.ttfbMs.p50,
      ttfbP99: (a) => a.ttfbMs.p99,
      largeTtfb: (a) => a.large.ttfbMs,
      largeTotal: (a) => a.large.totalMs,
      largeThroughput: (a) => a.large.mibPerSec,
    }),
    peakGrowthMiB: {
      [largeStreamBytes / MIB]: peakGrowth(large.proxy),
      [quarterBytes / MIB]: peakGrowth(large.proxyQuarter),
    },
    replyMiB: largeStreamBytes / MIB,
  };
}

/** Reads a whole SSE reply: time to its first body byte, total time, bytes. */
async function readStream({ pool, path }, streamBytes, eventBytes) {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 'bench-stream',
    method: 'message/stream',
    params: {
      message: {
        role: 'user',
        messageId: `bench-stream-${streamBytes}`,
        parts: [{ kind: 'text', text: 'Stream the build log.' }],
        metadata: { stream_bytes: streamBytes, event_bytes: eventBytes },
      },
    },
  });
  const started = performance.now();
  const res = await pool.request({
    method: 'POST',
    path,
    body,
    headers: { 'content-type': 'application/json' },
  });
  if (
    res.statusCode !== 200 ||
    !String(res.headers['content-type']).startsWith('text/event-stream')
  ) {
    throw new Error(
      `stream via ${path}: ${res.statusCode} ${(await res.body.text()).slice(0, 300)}`,
    );
  }
  let ttfbMs;
  let bytes = 0;
  for await (const chunk of res.body) {
    ttfbMs ??= performance.now() - started;
    bytes += chunk.length;
  }
  if (bytes < streamBytes) throw new Error(`stream via ${path} ended after ${bytes} bytes`);
  return { ttfbMs, totalMs: performance.now() - started, bytes };
}

function largeSummary(runs) {
  return {
    runs: runs.length,
    ttfbMs: median(runs.map((r) => r.ttfbMs)),
    totalMs: median(runs.map((r) => r.totalMs)),
    mibPerSec: median(runs.map((r) => r.bytes / MIB / (r.totalMs / 1000))),
  };
}

/** The worst run: how far above its (post-GC) baseline the app's memory went while relaying. */
function peakGrowth(proxyRuns) {
  const growth = (key) =>
    Math.max(...proxyRuns.map(({ probe }) => (probe.peak[key] - probe.before[key]) / MIB));
  return { rss: growth('rss'), heapUsed: growth('heapUsed'), arrayBuffers: growth('arrayBuffers') };
}
