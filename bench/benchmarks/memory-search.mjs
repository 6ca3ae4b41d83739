import { URLSearchParams } from 'node:url';
import pg from 'pg';
import { startAppOnOwnDatabase } from '../app-handle.mjs';
import { httpPool, runLoad, send } from '../load.mjs';
import { alternate, Arm, measuredBurst } from '../measure.mjs';
import { queryWords, seedMemories, seedOrgs, WORKSPACES_PER_ORG } from '../memory-corpus.mjs';
import { CLIENT_AND_APP_SIDE, compare } from '../stats.mjs';

/** How often each kind of search comes up (the runtime's memory tools and the canvas panel). */
const SCOPES = [
  { name: 'own', share: 0.4, param: undefined },
  { name: 'LOCAL', share: 0.2, param: 'LOCAL' },
  { name: 'TEAM', share: 0.25, param: 'TEAM' },
  { name: 'GLOBAL', share: 0.15, param: 'GLOBAL' },
];

/**
 * 5. Memory search: `GET /workspaces/:id/memories` on two corpora side by side — the large one
 * (`largeOrgs` orgs of ten workspaces, `perWorkspace` memories each: 1,000 workspaces and a
 * million memories at full size) and one a tenth of its size with the same shape (same
 * per-workspace density, same GLOBAL set, a tenth of the workspaces). Each corpus has its own
 * database and app instance. A search that stays on its indexes costs the same on both; one
 * that scans grows with the table, so **large / small** is the number to read.
 */
export async function memorySearchBench({ scope, databaseUrl, appOptions, settings }) {
  const { concurrency, requestsPerRound, rounds, scopeRequests } = settings;
  const corpora = {};
  for (const [name, orgs] of [
    ['small', settings.smallOrgs],
    ['large', settings.largeOrgs],
  ]) {
    const { app, seeded, seedSeconds } = await startAppOnOwnDatabase(scope, {
      databaseUrl,
      appOptions,
      name: `memories-${name}`,
      seed: (url) => seedCorpus(url, { orgs, ...settings }),
    });
    corpora[name] = {
      app,
      workspaces: seeded,
      memories: orgs * WORKSPACES_PER_ORG * settings.perWorkspace + settings.globals,
      seedSeconds,
      pool: httpPool(scope, app.baseUrl, concurrency),
    };
  }

  const searches = (corpus, only) => {
    const next = searchGenerator(corpus.workspaces, only);
    return () => send(corpus.pool, next());
  };
  const load = (request, total = requestsPerRound) => ({ concurrency, total, request });
  // Before anything is measured: JIT and plans of both instances, and every workspace's
  // memories read once (as on a server that has been answering them), so neither arm pays
  // first reads from disk that the other does not.
  for (const corpus of Object.values(corpora)) {
    const readAll = (i) =>
      send(corpus.pool, {
        path: `/workspaces/${corpus.workspaces[i].id}/memories?q=warm`,
        headers: { authorization: `Bearer ${corpus.workspaces[i].token}` },
      });
    await runLoad({ concurrency, total: corpus.workspaces.length, request: readAll });
    await runLoad(load(searches(corpus), settings.warmup));
  }

  const arms = { small: new Arm(), large: new Arm() };
  await alternate(rounds, {
    small: measuredBurst(corpora.small.app, arms.small, load(searches(corpora.small))),
    large: measuredBurst(corpora.large.app, arms.large, load(searches(corpora.large))),
  });

  const byScope = {};
  for (const { name } of SCOPES) {
    const scoped = { small: new Arm(), large: new Arm() };
    await alternate(2, {
      small: measuredBurst(
        corpora.small.app,
        scoped.small,
        load(searches(corpora.small, name), scopeRequests),
      ),
      large: measuredBurst(
        corpora.large.app,
        scoped.large,
        load(searches(corpora.large, name), scopeRequests),
      ),
    });
    byScope[name] = { small: scoped.small.summary(), large: scoped.large.summary() };
  }

  const small = arms.small.summary();
  const large = arms.large.summary();
  return {
    corpora: Object.fromEntries(
      Object.entries(corpora).map(([name, c]) => [
        name,
        { workspaces: c.workspaces.length, memories: c.memories, seedSeconds: c.seedSeconds },
      ]),
    ),
    small,
    large,
    largeOverSmall: compare(large, small, CLIENT_AND_APP_SIDE),
    byScope,
  };
}

async function seedCorpus(url, { orgs, perWorkspace, globals }) {
  const db = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const workspaces = await seedOrgs(db, { orgs, family: 'c1' });
    await seedMemories(db, { workspaces, perWorkspace, globals });
    return workspaces;
  } finally {
    await db.end();
  }
}

/** The same deterministic sequence of requests for every corpus, each read by its own reader. */
function searchGenerator(workspaces, onlyScope) {
  const words = queryWords();
  let state = 0x9e3779b9;
  const rand = () => {
    state = (Math.imul(state ^ (state >>> 16), 0x45d9f3b) + 0x6b43a9b5) >>> 0;
    return state / 4294967296;
  };
  return () => {
    const reader = workspaces[Math.floor(rand() * workspaces.length)];
    let pick = rand();
    const chosen =
      SCOPES.find((s) => (onlyScope ? s.name === onlyScope : (pick -= s.share) < 0)) ?? SCOPES[0];
    const params = new URLSearchParams();
    if (chosen.param) params.set('scope', chosen.param);
    // Mostly a search of one to three words; sometimes just the newest, sometimes a namespace.
    if (rand() < 0.9) {
      const count = 1 + Math.floor(rand() * 3);
      params.set('q', Array.from({ length: count }, words).join(' '));
    }
    if (rand() < 0.1) params.set('namespace', 'ns-1');
    return {
      path: `/workspaces/${reader.id}/memories?${params}`,
      headers: { authorization: `Bearer ${reader.token}` },
    };
  };
}
