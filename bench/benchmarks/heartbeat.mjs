import { HeartbeatSender } from '../heartbeats.mjs';
import { httpPool, runLoad, send } from '../load.mjs';
import { alternate, Arm, measuredBurst } from '../measure.mjs';
import { CLIENT_AND_APP_SIDE, compare } from '../stats.mjs';

/**
 * 1. Heartbeat: a fleet of workspaces, each with a live token, beats at fixed concurrency.
 * `GET /health` runs in alternation on the same app and connections: it is the floor of the
 * HTTP stack (middleware, routing, serialisation), so heartbeat / health isolates what the
 * heartbeat itself adds — token gate, UPDATE, events, queue hook.
 */
export async function heartbeatBench({ scope, app, fleet, settings }) {
  const { concurrency, requestsPerRound, rounds } = settings;
  const pool = httpPool(scope, app.baseUrl, concurrency);
  const sender = new HeartbeatSender(fleet);
  const beat = () => sender.send(pool);
  const checkHealth = () => send(pool, { path: '/health' });

  // Before the first beat: what the fleet's load adds to the app's footprint shows below.
  const memoryBefore = await app.memory({ collect: true });
  // JIT, prepared statements on every pooled connection, first-beat TASK_UPDATED events.
  await runLoad({ concurrency, total: fleet.length, request: beat });
  await runLoad({ concurrency, total: requestsPerRound, request: checkHealth });

  const arms = { health: new Arm(), heartbeat: new Arm() };
  const load = (request) => ({ concurrency, total: requestsPerRound, request });
  await alternate(rounds, {
    health: measuredBurst(app, arms.health, load(checkHealth)),
    heartbeat: measuredBurst(app, arms.heartbeat, load(beat)),
  });
  const memoryAfter = await app.memory();
  const memoryAfterGc = await app.memory({ collect: true });

  const health = arms.health.summary();
  const heartbeat = arms.heartbeat.summary();
  return {
    health,
    heartbeat,
    heartbeatOverHealth: compare(heartbeat, health, CLIENT_AND_APP_SIDE),
    memory: { before: memoryBefore, after: memoryAfter, afterGc: memoryAfterGc },
  };
}
