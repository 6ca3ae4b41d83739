/** DB statement counts from the app's own Prometheus endpoint (`molecule_db_queries_total`). */
import { fetch } from 'undici';

const SAMPLE = /^molecule_db_queries_total\{statement="([^"]*)"\} ([0-9.e+-]+)$/gm;

/** Statements a scrape of `/metrics` sends itself (the fleet gauges): not the requests' cost. */
const SCRAPE_STATEMENTS = /^operations\./;

/** statement name → statements sent since the app started. */
export async function dbStatements(baseUrl) {
  const res = await fetch(`${baseUrl}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  const counts = {};
  for (const [, name, value] of (await res.text()).matchAll(SAMPLE)) {
    if (!SCRAPE_STATEMENTS.test(name)) counts[name] = Number(value);
  }
  return counts;
}

/** What was sent between two scrapes (statements that did not move are left out). */
export function statementDelta(after, before) {
  const delta = {};
  for (const [name, count] of Object.entries(after)) {
    const moved = count - (before[name] ?? 0);
    if (moved > 0) delta[name] = moved;
  }
  return delta;
}

export function addCounts(into, counts) {
  for (const [name, count] of Object.entries(counts)) into[name] = (into[name] ?? 0) + count;
  return into;
}

export const sumCounts = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
