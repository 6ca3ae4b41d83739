import pg from 'pg';
import { startAppOnOwnDatabase } from '../app-handle.mjs';
import { httpPool, runLoad, send } from '../load.mjs';
import { alternate, Arm, measuredBurst } from '../measure.mjs';
import { seedWorkspaces } from '../seed.mjs';
import { CLIENT_AND_APP_SIDE, compare } from '../stats.mjs';

const TYPES = ['a2a_receive', 'a2a_send', 'task_update', 'agent_log', 'error'];
const DAY_SECS = 86_400;
/** What a proxied message/send leaves in its row (the size of a short chat turn). */
const REQUEST = {
  method: 'message/send',
  params: {
    message: {
      role: 'user',
      parts: [{ kind: 'text', text: 'What changed in the deploy pipeline?' }],
    },
  },
};
const RESPONSE = {
  result: { parts: [{ kind: 'text', text: 'Two jobs moved to the new runners; nothing else.' }] },
};
/** The activity panel's three ways of asking, each `limit=100`. */
const QUERIES = {
  newest: 'limit=100',
  type: 'limit=100&type=a2a_receive',
  since: `limit=100&since_secs=${7 * DAY_SECS}`,
};

/**
 * Activity list: `GET /workspaces/:id/activity` on two tables side by side — the large one
 * (`largeWorkspaces` workspaces × `perWorkspace` rows: 1,000,000 at full size) and one a tenth
 * of it with the same per-workspace density — each in its own database with its own app
 * instance. A listing that stays on the workspace's index costs the same on both; one that
 * scans grows with the table, so **large / small** is the number to read (goal: within 20 %,
 * p99 ≤ 15 ms on the large one). Rows are spread over 90 days, types round-robin.
 */
export async function activityListBench({ scope, databaseUrl, appOptions, settings }) {
  const { concurrency, requestsPerRound, rounds } = settings;
  const corpora = {};
  for (const [name, workspaces] of [
    ['small', settings.smallWorkspaces],
    ['large', settings.largeWorkspaces],
  ]) {
    const { app, seeded, seedSeconds } = await startAppOnOwnDatabase(scope, {
      databaseUrl,
      appOptions,
      name: `activity-${name}`,
      seed: (url) => seedActivity(url, workspaces, settings.perWorkspace),
    });
    corpora[name] = {
      app,
      fleet: seeded,
      rows: workspaces * settings.perWorkspace,
      seedSeconds,
      pool: httpPool(scope, app.baseUrl, concurrency),
    };
  }

  const lists = (corpus, query) => {
    let next = 0;
    return () => {
      // A stride coprime with the fleet size: every workspace in turn, in a scattered order.
      const reader = corpus.fleet[(next++ * 7919) % corpus.fleet.length];
      return send(corpus.pool, {
        path: `/workspaces/${reader.id}/activity?${query}`,
        headers: { authorization: `Bearer ${reader.token}` },
      });
    };
  };
  const load = (request, total = requestsPerRound) => ({ concurrency, total, request });
  // Every workspace's rows read once (a server that has been answering them has them cached).
  for (const corpus of Object.values(corpora)) {
    await runLoad(load(lists(corpus, QUERIES.newest), corpus.fleet.length));
  }

  const byQuery = {};
  for (const [kind, query] of Object.entries(QUERIES)) {
    const arms = { small: new Arm(), large: new Arm() };
    await alternate(rounds, {
      small: measuredBurst(corpora.small.app, arms.small, load(lists(corpora.small, query))),
      large: measuredBurst(corpora.large.app, arms.large, load(lists(corpora.large, query))),
    });
    const small = arms.small.summary();
    const large = arms.large.summary();
    byQuery[kind] = {
      query,
      small,
      large,
      largeOverSmall: compare(large, small, CLIENT_AND_APP_SIDE),
    };
  }
  return {
    corpora: Object.fromEntries(
      Object.entries(corpora).map(([name, c]) => [
        name,
        { workspaces: c.fleet.length, rows: c.rows, seedSeconds: c.seedSeconds },
      ]),
    ),
    byQuery,
  };
}

/** Workspaces with live tokens, then their rows in one set-based INSERT (generate_series). */
async function seedActivity(url, workspaces, perWorkspace) {
  const db = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const fleet = await seedWorkspaces(db, { count: workspaces, family: 'd1', name: 'bench-act' });
    // Bulk load: the secondary indexes are dropped and rebuilt from their own definitions
    // afterwards (one sorted build each instead of a million random insertions), and ids
    // follow the row order. Row g belongs to workspace g mod n (each workspace's rows spread
    // over the table, as agents writing side by side leave them); its k-th row is k × 90 days
    // / perWorkspace old.
    const { rows: indexes } = await db.query(
      `SELECT indexname, indexdef FROM pg_indexes
        WHERE tablename = 'activity_logs' AND indexname <> 'activity_logs_pkey'`,
    );
    for (const { indexname } of indexes) await db.query(`DROP INDEX "${indexname}"`);
    await db.query(
      `INSERT INTO activity_logs (id, workspace_id, activity_type, source_id, method, summary,
                                  request_body, response_body, duration_ms, status, created_at)
       SELECT lpad(to_hex(g), 32, '0')::uuid, w.ids[1 + g % n], ($3::text[])[1 + (g / n) % 5],
              CASE WHEN g % 3 = 0 THEN NULL ELSE 'agent-' || (g % 97) END, 'message/send',
              'message/send → bench workspace ' || (g % n), $4::jsonb, $5::jsonb, g % 900, 'ok',
              now() - make_interval(secs => (g / n) * (90.0 * ${DAY_SECS} / per))
         FROM (SELECT $1::int AS n, $2::int AS per) AS p,
              generate_series(0, p.n * p.per - 1) AS g,
              (SELECT array_agg(id ORDER BY id) AS ids FROM workspaces) AS w`,
      [workspaces, perWorkspace, TYPES, JSON.stringify(REQUEST), JSON.stringify(RESPONSE)],
    );
    for (const { indexdef } of indexes) await db.query(indexdef);
    await db.query('VACUUM ANALYZE activity_logs');
    return fleet;
  } finally {
    await db.end();
  }
}
