import { createHash } from 'node:crypto';
import { workspaceId } from './seed.mjs';

/** Workspaces per org: a root, three team leads, two members under each lead. */
const ORG = [null, 0, 0, 0, 1, 1, 2, 2, 3, 3];
export const WORKSPACES_PER_ORG = ORG.length;

/** Distinct words in the corpus; their frequencies follow Zipf's law (s = 1). */
export const VOCABULARY = 20_000;
const WORDS_PER_MEMORY = 12;

function tokenFor(id) {
  return createHash('sha256').update(`bench-memory-token:${id}`).digest('base64url');
}

/**
 * The org chart of a memory corpus: `orgs` three-level trees of ten workspaces (so a TEAM
 * read spans the reader, its parent, siblings and children, as in a real org), each
 * workspace with a live token. Ids derive from their index.
 */
export async function seedOrgs(pool, { orgs, family }) {
  const rows = [];
  for (let org = 0; org < orgs; org++) {
    const base = org * WORKSPACES_PER_ORG;
    ORG.forEach((parent, i) => {
      const id = workspaceId(base + i + 1, family);
      rows.push({
        id,
        parent: parent === null ? null : workspaceId(base + parent + 1, family),
        token: tokenFor(id),
        root: parent === null,
      });
    });
  }
  await pool.query(
    `INSERT INTO workspaces (id, name, status, parent_id, last_heartbeat_at)
     SELECT id, 'memory-ws-' || ord, 'online', parent, now()
       FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS t(id, parent, ord)`,
    [rows.map((r) => r.id), rows.map((r) => r.parent)],
  );
  await pool.query(
    `INSERT INTO workspace_auth_tokens (workspace_id, token_hash, prefix)
     SELECT id, sha256(convert_to(token, 'UTF8')), left(token, 8)
       FROM unnest($1::uuid[], $2::text[]) AS t(id, token)`,
    [rows.map((r) => r.id), rows.map((r) => r.token)],
  );
  return rows;
}

/**
 * The words, in rank order: pronounceable made-up words (no English stop word or stem
 * collision), the same in every run. Word `k` (1-based) is drawn with probability ∝ 1/k.
 */
export function vocabulary() {
  const consonants = 'bdfgklmnprstvz';
  const vowels = 'aeiou';
  const syllables = [];
  for (const c of consonants) for (const v of vowels) syllables.push(c + v);
  const words = [];
  for (let i = 0; words.length < VOCABULARY; i++) {
    const a = syllables[i % syllables.length];
    const b = syllables[Math.floor(i / syllables.length) % syllables.length];
    const c = syllables[Math.floor(i / syllables.length ** 2) % syllables.length];
    words.push(`${a}${b}${c}x`);
  }
  return words;
}

/** A small deterministic PRNG (mulberry32): the same corpus in every run. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rows per INSERT: big enough to amortise the round trip, small enough for one message. */
const BATCH = 20_000;
const DAY_SECONDS = 86_400;

/**
 * Fills `agent_memories`: `perWorkspace` memories for every workspace (60 % LOCAL, 40 % TEAM,
 * a fifth of them outside `general`), plus `globals` GLOBAL ones spread over the roots. Each
 * memory is twelve words drawn by Zipf's law (P(rank k) ∝ 1/k: a few words are everywhere,
 * most are rare), dated over the last 90 days. Generated here, written in set-based batches.
 */
export async function seedMemories(pool, { workspaces, perWorkspace, globals, seed = 42 }) {
  const words = vocabulary();
  const rand = random(seed);
  const text = () => {
    const picked = [];
    for (let k = 0; k < WORDS_PER_MEMORY; k++)
      picked.push(words[Math.floor(Math.exp(rand() * Math.log(VOCABULARY))) - 1]);
    return picked.join(' ');
  };
  const roots = workspaces.filter((w) => w.root);
  // Round-robin over the workspaces, as agents commit side by side: a workspace's memories
  // end up spread over the table, not packed into a few pages of their own.
  const rows = function* () {
    for (let i = 0; i < perWorkspace; i++) {
      for (const w of workspaces) {
        const scope = rand() < 0.6 ? 'LOCAL' : 'TEAM';
        const namespace = rand() < 0.8 ? 'general' : `ns-${1 + Math.floor(rand() * 5)}`;
        yield [w.id, text(), scope, namespace, Math.floor(rand() * 90 * DAY_SECONDS)];
      }
    }
    for (let i = 0; i < globals; i++)
      yield [
        roots[i % roots.length].id,
        text(),
        'GLOBAL',
        'general',
        Math.floor(rand() * 90 * DAY_SECONDS),
      ];
  };

  let batch = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const columns = [0, 1, 2, 3, 4].map((c) => batch.map((row) => row[c]));
    await pool.query(
      `INSERT INTO agent_memories (workspace_id, content, scope, namespace, created_at)
       SELECT id, content, scope, namespace, now() - make_interval(secs => age)
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[])
              AS t(id, content, scope, namespace, age)`,
      columns,
    );
    batch = [];
  };
  for (const row of rows()) {
    batch.push(row);
    if (batch.length === BATCH) await flush();
  }
  await flush();
  // Fresh statistics and visibility map, as a long-running install's autovacuum keeps them.
  await pool.query('VACUUM ANALYZE agent_memories, workspaces, workspace_auth_tokens');
}

/** Query words drawn like the corpus's: people search for the words memories use. */
export function queryWords(seed = 7) {
  const words = vocabulary();
  const rand = random(seed);
  return () => words[Math.floor(Math.exp(rand() * Math.log(VOCABULARY))) - 1];
}
