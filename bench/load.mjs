import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

/** A keep-alive client pool to one origin, one connection per concurrent worker. */
export function httpPool(scope, origin, connections) {
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  scope.defer(`http pool ${origin}`, () => pool.destroy());
  return pool;
}

/**
 * Closed-loop load, bounded by count: `concurrency` workers send requests back-to-back until
 * `total` have been sent. Latency is request start → response body fully read. The first
 * failure stops every worker and fails the benchmark: a number measured on errors is a lie.
 */
export async function runLoad({ concurrency, total, request }) {
  const latencies = new Float64Array(total);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < total && !failed) {
      const i = next++;
      const started = performance.now();
      try {
        await request(i);
      } catch (err) {
        failed = true;
        throw err;
      }
      latencies[i] = performance.now() - started;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { count: total, elapsedMs: performance.now() - started, latencies };
}

/** Sends one request and reads the whole reply; any status but `expect` is an error. */
export async function send(pool, { method = 'GET', path, body, headers = {}, expect = 200 }) {
  const res = await pool.request({
    method,
    path,
    body,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
  });
  const text = await res.body.text();
  if (res.statusCode !== expect) {
    throw new Error(`${method} ${path} answered ${res.statusCode}: ${text.slice(0, 300)}`);
  }
  return text;
}

/**
 * Open-loop load at a fixed rate, bounded by count: request i starts i / ratePerSec seconds
 * in, whether or not earlier ones have answered — as independent workspaces beat. Arms
 * compared on latency get the same offered load this way, whichever instance answers.
 */
export async function runPaced({ ratePerSec, total, request }) {
  const latencies = new Float64Array(total);
  const inFlight = [];
  let failure;
  const one = async (i) => {
    const started = performance.now();
    try {
      await request(i);
    } catch (err) {
      failure ??= err;
    }
    latencies[i] = performance.now() - started;
  };
  const started = performance.now();
  for (let i = 0; i < total && failure === undefined; i++) {
    const wait = started + (i * 1000) / ratePerSec - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(one(i));
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  return { count: total, elapsedMs: performance.now() - started, latencies };
}
