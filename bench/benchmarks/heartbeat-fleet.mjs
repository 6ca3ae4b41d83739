import pg from 'pg';
import { startAppOnOwnDatabase } from '../app-handle.mjs';
import { BUSY_TASK, HeartbeatSender, isBusy } from '../heartbeats.mjs';
import { httpPool, runLoad } from '../load.mjs';
import { alternate, Arm, measuredBurst } from '../measure.mjs';
import { seedWorkspaces } from '../seed.mjs';
import { CLIENT_AND_APP_SIDE, compare } from '../stats.mjs';

/**
 * Heartbeat at fleet size: the same heartbeats at the same concurrency to app A (its database
 * holds the 500-workspace fleet) and to an instance of its own whose database holds
 * `workspaces` (10,000 at full size), each beating round-robin over its whole fleet, in
 * alternating rounds. A heartbeat that stays on its indexes costs the same whatever the fleet;
 * **large / 500** req/s is the number to read (goal: within 15 %).
 */
export async function fleetBench({ scope, app, fleet, databaseUrl, appOptions, settings }) {
  const { concurrency, requestsPerRound, rounds } = settings;
  const {
    app: large,
    seeded: largeFleet,
    seedSeconds,
  } = await startAppOnOwnDatabase(scope, {
    databaseUrl,
    appOptions,
    name: 'fleet',
    seed: (url) => seedFleet(url, settings.workspaces),
  });

  const beats = (target, members) => {
    const pool = httpPool(scope, target.baseUrl, concurrency);
    const sender = new HeartbeatSender(members);
    return () => sender.send(pool);
  };
  const small = beats(app, fleet);
  const big = beats(large, largeFleet);
  // JIT and prepared statements on every pooled connection of the new instance.
  await runLoad({ concurrency, total: requestsPerRound, request: big });

  const arms = { small: new Arm(), large: new Arm() };
  const load = (request) => ({ concurrency, total: requestsPerRound, request });
  await alternate(rounds, {
    small: measuredBurst(app, arms.small, load(small)),
    large: measuredBurst(large, arms.large, load(big)),
  });
  const smallSummary = arms.small.summary();
  const largeSummary = arms.large.summary();
  return {
    fleets: { small: fleet.length, large: largeFleet.length, seedSeconds },
    small: smallSummary,
    large: largeSummary,
    largeOverSmall: compare(largeSummary, smallSummary, CLIENT_AND_APP_SIDE),
  };
}

/** The large fleet, stored as if every workspace had beaten once (see `seedWorkspaces`). */
async function seedFleet(url, count) {
  const db = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const fleet = await seedWorkspaces(db, { count, family: 'e1', name: 'bench-big-fleet' });
    // The busy quarter's task is stored, so no measured beat is a first one with a TASK_UPDATED
    // of its own, without sending 10,000 warm-up beats.
    await db.query(`UPDATE workspaces SET current_task = $2, active_tasks = 1 WHERE id = ANY($1)`, [
      fleet.filter((_, i) => isBusy(i)).map((w) => w.id),
      BUSY_TASK,
    ]);
    return fleet;
  } finally {
    await db.end();
  }
}
