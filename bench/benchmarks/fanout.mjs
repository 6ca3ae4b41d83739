import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { HeartbeatSender } from '../heartbeats.mjs';
import { httpPool, runLoad, runPaced } from '../load.mjs';
import { alternate, measure } from '../measure.mjs';
import { tapNotifies } from '../notify-tap.mjs';
import { compare, latencySummary } from '../stats.mjs';
import { connectCanvasClients } from '../ws-clients.mjs';

/** Far above the heartbeat benchmark's sequence numbers, so stray frames never match. */
const FIRST_SEQ = 10_000_000;
/** Open-loop heartbeats never wait for a free connection. */
const PACED_CONNECTIONS = 32;

/**
 * 4. Event fan-out: C canvas clients on instance A. Every heartbeat broadcasts one
 * WORKSPACE_HEARTBEAT, so a bounded burst of heartbeats is a bounded burst of events.
 * - same replica: heartbeats go to A, which delivers locally;
 * - cross replica: heartbeats go to B, whose event reaches A through PostgreSQL NOTIFY/LISTEN.
 * Both run at the same fixed event rate (open loop), alternating on the same clients, so
 * their latencies compare at equal load. Latency is heartbeat sent → frame received, per
 * frame, every client. A third, unpaced arm (closed loop into A) shows A's fan-out capacity.
 */
export async function fanoutBench({ scope, appA, appB, databaseUrl, fleet, settings }) {
  const { clients, eventsPerRound, eventsPerSec, rounds, saturationConcurrency } = settings;
  const tracker = new DeliveryTracker();
  await tapNotifies(scope, databaseUrl, (envelope, at) => tracker.onNotify(envelope, at));
  await connectCanvasClients(scope, appA.baseUrl, clients, (data, at) =>
    tracker.onFrame(JSON.parse(data), at),
  );
  const sender = new HeartbeatSender(fleet, FIRST_SEQ);
  const poolA = httpPool(scope, appA.baseUrl, PACED_CONNECTIONS);
  const poolB = httpPool(scope, appB.baseUrl, PACED_CONNECTIONS);
  const beat = (pool) => () => sender.send(pool, (seq) => tracker.onSend(seq));
  const paced = (pool) => () =>
    runPaced({ ratePerSec: eventsPerSec, total: eventsPerRound, request: beat(pool) });
  const unpaced = () =>
    runLoad({ concurrency: saturationConcurrency, total: eventsPerRound, request: beat(poolA) });

  const burst = async (load) => {
    tracker.expect(eventsPerRound * clients);
    const started = performance.now();
    const { latencies } = await load();
    await tracker.delivered(settings.deliveryTimeoutMs);
    return { elapsedMs: tracker.lastFrameAt - started, heartbeatLatencies: latencies };
  };
  const arms = {
    same: new FanoutArm(appA),
    cross: new FanoutArm(appB),
    saturated: new FanoutArm(appA),
  };
  const loads = { same: paced(poolA), cross: paced(poolB), saturated: unpaced };
  for (const load of Object.values(loads)) await burst(load);
  const measured = (name) => async () => {
    const { result, byApp } = await measure([appA, appB], () => burst(loads[name]));
    arms[name].add(eventsPerRound, clients, tracker, result, byApp);
  };
  await alternate(rounds, {
    same: measured('same'),
    cross: measured('cross'),
    saturated: measured('saturated'),
  });
  const [same, cross, saturated] = [arms.same, arms.cross, arms.saturated].map((a) => a.summary());
  return {
    clients,
    same,
    cross,
    saturated,
    crossOverSame: compare(cross, same, {
      framesPerSec: (a) => a.framesPerSec,
      heartbeatP50: (a) => a.heartbeatLatencyMs.p50,
      deliveryP50: (a) => a.latencyMs.p50,
      deliveryP99: (a) => a.latencyMs.p99,
    }),
  };
}

/**
 * Matches WORKSPACE_HEARTBEAT envelopes — frames at the clients, NOTIFYs at the tap — to the
 * moment their heartbeat was sent, by the sequence number carried in `uptime_seconds`.
 */
class DeliveryTracker {
  #sentAt = new Map();
  #expected = 0;
  #done;
  frames = 0;
  latencies = [];
  notifyLatencies = [];
  lastFrameAt = 0;

  expect(frames) {
    this.#expected = frames;
    this.frames = 0;
    this.latencies = [];
    this.notifyLatencies = [];
    this.lastFrameAt = 0;
  }

  onSend(seq) {
    this.#sentAt.set(seq, performance.now());
  }

  onNotify(envelope, receivedAt) {
    const sentAt = this.#sentAtOf(envelope);
    if (sentAt !== undefined) this.notifyLatencies.push(receivedAt - sentAt);
  }

  onFrame(envelope, receivedAt) {
    const sentAt = this.#sentAtOf(envelope);
    if (sentAt === undefined) return;
    this.frames++;
    this.latencies.push(receivedAt - sentAt);
    this.lastFrameAt = receivedAt;
    if (this.frames >= this.#expected) this.#done?.();
  }

  /** Resolves once every expected frame arrived, or at the timeout: missing frames are loss. */
  delivered(timeoutMs) {
    if (this.frames >= this.#expected) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.#done = undefined;
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.#done = finish;
    });
  }

  #sentAtOf(envelope) {
    if (envelope.event !== 'WORKSPACE_HEARTBEAT') return undefined;
    return this.#sentAt.get(envelope.payload?.uptime_seconds);
  }
}

/** One side (same / cross replica), accumulated over rounds. */
class FanoutArm {
  events = 0;
  expected = 0;
  frames = 0;
  elapsedMs = 0;
  latencies = [];
  notifyLatencies = [];
  heartbeatLatencies = [];
  cpuUs = { A: 0, B: 0 };
  notifyBatches = 0;
  senderStatements = 0;

  /** `sender` is the instance the heartbeats were sent to; A always holds the clients. */
  constructor(sender) {
    this.sender = sender;
  }

  add(events, clients, tracker, { elapsedMs, heartbeatLatencies }, byApp) {
    this.events += events;
    this.expected += events * clients;
    this.frames += tracker.frames;
    this.elapsedMs += elapsedMs;
    // Loops, not push(...): a round of 1,000 clients is too many arguments for one call.
    for (const l of tracker.latencies) this.latencies.push(l);
    for (const l of tracker.notifyLatencies) this.notifyLatencies.push(l);
    for (const l of heartbeatLatencies) this.heartbeatLatencies.push(l);
    const sent = byApp[this.sender.name].statements;
    this.notifyBatches += sent['events.notify_batch'] ?? 0;
    this.senderStatements += Object.values(sent).reduce((a, b) => a + b, 0);
    for (const name of Object.keys(this.cpuUs)) this.cpuUs[name] += byApp[name].probe.cpuUs;
  }

  summary() {
    return {
      sentTo: this.sender.name,
      events: this.events,
      eventsPerSec: (this.events / this.elapsedMs) * 1000,
      frames: this.frames,
      lostFrames: this.expected - this.frames,
      framesPerSec: (this.frames / this.elapsedMs) * 1000,
      latencyMs: latencySummary(this.latencies),
      // The heartbeats' own HTTP round trip, and when their NOTIFY reached the listeners.
      heartbeatLatencyMs: latencySummary(this.heartbeatLatencies),
      notifySeenMs: latencySummary(this.notifyLatencies),
      notifyRoundTripsPerEvent: this.notifyBatches / this.events,
      senderDbStatementsPerEvent: this.senderStatements / this.events,
      appCpuUsPerEvent: { A: this.cpuUs.A / this.events, B: this.cpuUs.B / this.events },
    };
  }
}
