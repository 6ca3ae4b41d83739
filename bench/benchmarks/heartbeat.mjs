import { startFloor } from '../app-handle.mjs';
import { HeartbeatSender } from '../heartbeats.mjs';
import { httpPool, runLoad, send } from '../load.mjs';
import { alternate, Arm, measuredBurst } from '../measure.mjs';
import { CLIENT_AND_APP_SIDE, compare } from '../stats.mjs';

/**
 * 1. Heartbeat: a fleet of workspaces, each with a live token, beats at fixed concurrency.
 * Three arms in alternating rounds, at the same concurrency and count:
 * - `GET /health` on the same app and connections: the floor of our HTTP stack (middleware,
 *   routing, serialisation), so heartbeat / health isolates what the heartbeat itself adds;
 * - the heartbeat through the platform;
 * - the same heartbeats to the floor server (floor-server.mjs: bare node:http + pg running the
 *   same token-gated statement and a NOTIFY): heartbeat / floor is what everything the
 *   platform does beyond the essential work costs;
 * - `GET /health` on the floor server: bare Node's answer, the floor of our `GET /health`.
 */
export async function heartbeatBench({ scope, app, fleet, databaseUrl, appOptions, settings }) {
  const { concurrency, requestsPerRound, rounds } = settings;
  const floor = await startFloor(scope, { ...appOptions, databaseUrl });
  const pool = httpPool(scope, app.baseUrl, concurrency);
  const floorPool = httpPool(scope, floor.baseUrl, concurrency);
  const sender = new HeartbeatSender(fleet);
  const beat = () => sender.send(pool);
  const beatFloor = () => sender.send(floorPool);
  const checkHealth = () => send(pool, { path: '/health' });
  const checkFloorHealth = () => send(floorPool, { path: '/health' });

  // Before the first beat: what the fleet's load adds to the app's footprint shows below.
  const memoryBefore = await app.memory({ collect: true });
  // JIT, prepared statements on every pooled connection, first-beat TASK_UPDATED events.
  await runLoad({ concurrency, total: fleet.length, request: beat });
  await runLoad({ concurrency, total: requestsPerRound, request: checkHealth });
  await runLoad({ concurrency, total: fleet.length, request: beatFloor });
  await runLoad({ concurrency, total: requestsPerRound, request: checkFloorHealth });

  const arms = {
    health: new Arm(),
    heartbeat: new Arm(),
    floor: new Arm(),
    floorHealth: new Arm(),
  };
  const load = (request) => ({ concurrency, total: requestsPerRound, request });
  await alternate(rounds, {
    health: measuredBurst(app, arms.health, load(checkHealth)),
    heartbeat: measuredBurst(app, arms.heartbeat, load(beat)),
    floor: measuredBurst(floor, arms.floor, load(beatFloor)),
    floorHealth: measuredBurst(floor, arms.floorHealth, load(checkFloorHealth)),
  });
  const memoryAfter = await app.memory();
  const memoryAfterGc = await app.memory({ collect: true });

  const health = arms.health.summary();
  const heartbeat = arms.heartbeat.summary();
  const floorSummary = arms.floor.summary();
  const floorHealth = arms.floorHealth.summary();
  return {
    health,
    heartbeat,
    floor: floorSummary,
    floorHealth,
    healthOverFloor: compare(health, floorHealth, CLIENT_AND_APP_SIDE),
    heartbeatOverHealth: compare(heartbeat, health, CLIENT_AND_APP_SIDE),
    heartbeatOverFloor: compare(heartbeat, floorSummary, CLIENT_AND_APP_SIDE),
    memory: { before: memoryBefore, after: memoryAfter, afterGc: memoryAfterGc },
  };
}
