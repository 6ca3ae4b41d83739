import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock/clock';
import { useTestAgents } from './support/agents';
import { eventually } from './support/eventually';
import { FakeClock } from './support/fake-clock';
import { insertToken, insertWorkspace } from './support/factories';
import { HttpClient } from './support/http-client';
import { TestApp, useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'usage-admin';
/** Just before a UTC midnight, so a test can cross into the next day. */
const START = new Date('2026-03-01T23:59:00.000Z');

const canvasMessage = {
  method: 'message/send',
  params: { message: { role: 'user', parts: [{ kind: 'text', text: 'hi' }] } },
};

/** Every SQL statement count on `/metrics`, by statement name. */
async function statementCounts(app: TestApp): Promise<Map<string, number>> {
  const text = (await app.http.get('/metrics')).text;
  const counts = new Map<string, number>();
  for (const [, name, value] of text.matchAll(
    /^molecule_db_queries_total\{statement="([^"]*)"\} ([0-9.e+]+)$/gm,
  ))
    counts.set(name, Number(value));
  return counts;
}

/** What ran between two snapshots, by statement name (zero deltas left out). */
function delta(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of after) {
    const d = value - (before.get(name) ?? 0);
    if (d > 0) out[name] = d;
  }
  return out;
}

async function activityRows(db: TestDatabase, workspaceId: string): Promise<number> {
  const rows = await db.query('SELECT 1 FROM activity_logs WHERE workspace_id = $1', [workspaceId]);
  return rows.length;
}

describe('token usage', () => {
  const db = useTestDatabase();
  const clock = new FakeClock(START);
  // Dev mode lets the outbound guard reach agents on loopback; ADMIN_TOKEN keeps auth closed.
  const app = useTestApp(db, { MOLECULE_ENV: 'development', ADMIN_TOKEN }, [
    { provide: Clock, useValue: clock },
  ]);
  const agents = useTestAgents();
  let admin: HttpClient;

  beforeAll(() => {
    admin = app.http.withBearer(ADMIN_TOKEN);
  });

  const usageRows = (workspaceId: string) =>
    db.query<any>(
      `SELECT period_start, input_tokens::float8 AS input_tokens, output_tokens::float8 AS output_tokens,
              call_count, estimated_cost_usd::text AS cost
         FROM workspace_token_usage WHERE workspace_id = $1 ORDER BY period_start`,
      [workspaceId],
    );

  /** Sends one canvas message through the proxy and waits for its detached work to land. */
  async function relay(workspaceId: string, rowsBefore: number): Promise<void> {
    const res = await app.http.post(`/workspaces/${workspaceId}/a2a`, canvasMessage);
    expect(res.status).toBeLessThan(600);
    await eventually(
      async () => ((await activityRows(db, workspaceId)) > rowsBefore ? true : undefined),
      'the activity row of the relayed reply',
    );
  }

  it('adds result.usage of each reply to today’s row; GET /metrics reads it', async () => {
    const agent = await agents.start({ usage: { input_tokens: 12, output_tokens: 34 } });
    const ws = await insertWorkspace(db, { url: agent.url });
    const own = app.http.withBearer(await insertToken(db, ws));

    await relay(ws, 0);
    await eventually(async () => ((await usageRows(ws)).length ? true : undefined), 'usage row');
    await relay(ws, 1);
    await eventually(
      async () => ((await usageRows(ws))[0]?.call_count === 2 ? true : undefined),
      'second call counted',
    );

    expect(await usageRows(ws)).toEqual([
      {
        period_start: new Date('2026-03-01T00:00:00.000Z'),
        input_tokens: 24,
        output_tokens: 68,
        call_count: 2,
        cost: '0.001092',
      },
    ]);
    const res = await own.get(`/workspaces/${ws}/metrics`);
    expect([res.status, res.body]).toEqual([
      200,
      {
        input_tokens: 24,
        output_tokens: 68,
        total_calls: 2,
        // 24 × $3/M + 68 × $15/M
        estimated_cost_usd: '0.001092',
        period_start: '2026-03-01T00:00:00.000Z',
        period_end: '2026-03-02T00:00:00.000Z',
      },
    ]);
  });

  it('reads a top-level usage, counts error replies too, and clamps each count', async () => {
    const topLevel = await agents.start({
      mode: 'status',
      status: 200,
      body: { jsonrpc: '2.0', id: '1', result: { parts: [] }, usage: { input_tokens: 5 } },
    });
    const failing = await agents.start({
      mode: 'status',
      status: 500,
      body: { error: 'model overloaded', usage: { input_tokens: 1e12, output_tokens: -40 } },
    });
    const a = await insertWorkspace(db, { url: topLevel.url });
    const b = await insertWorkspace(db, { url: failing.url });
    await relay(a, 0);
    await relay(b, 0);
    await eventually(
      async () => ((await usageRows(a)).length && (await usageRows(b)).length ? true : undefined),
      'both usage rows',
    );
    expect(await usageRows(a)).toEqual([
      expect.objectContaining({
        input_tokens: 5,
        output_tokens: 0,
        call_count: 1,
        cost: '0.000015',
      }),
    ]);
    expect(await usageRows(b)).toEqual([
      expect.objectContaining({
        input_tokens: 10_000_000,
        output_tokens: 0,
        call_count: 1,
        cost: '30.000000',
      }),
    ]);
  });

  it('a reply without usage adds no statement at all; one with usage adds exactly one', async () => {
    const plain = await agents.start();
    const metered = await agents.start({ usage: { input_tokens: 1, output_tokens: 1 } });
    const quiet = await insertWorkspace(db, { url: plain.url });
    const counted = await insertWorkspace(db, { url: metered.url });
    // Warm both paths once (first-use statements, URL verdict cache).
    await relay(quiet, 0);
    await relay(counted, 0);
    await eventually(async () => ((await usageRows(counted)).length ? true : undefined), 'warm-up');

    const settle = async () => {
      // Detached work (activity row, events) is done once the counters stop moving.
      let last = await statementCounts(app);
      for (;;) {
        await new Promise((r) => setTimeout(r, 50));
        const next = await statementCounts(app);
        if (JSON.stringify([...next]) === JSON.stringify([...last])) return next;
        last = next;
      }
    };

    const beforeQuiet = await settle();
    await relay(quiet, 1);
    const afterQuiet = await settle();
    const withoutUsage = delta(beforeQuiet, afterQuiet);

    await relay(counted, 1);
    await eventually(
      async () => ((await usageRows(counted))[0]?.call_count === 2 ? true : undefined),
      'metered call',
    );
    const afterCounted = await settle();
    const withUsage = delta(afterQuiet, afterCounted);

    const metering = (d: Record<string, number>) =>
      Object.keys(d).filter((name) => name.startsWith('token_usage.'));
    expect(metering(withoutUsage)).toEqual([]);
    expect(withUsage['token_usage.add']).toBe(1);
    // The quiet call still did its normal detached work (its activity row).
    expect(withoutUsage['activity.insert']).toBe(1);
  });

  it('days are UTC days: a new day starts from zero', async () => {
    const agent = await agents.start({ usage: { input_tokens: 100, output_tokens: 0 } });
    const ws = await insertWorkspace(db, { url: agent.url });
    await relay(ws, 0);
    await eventually(async () => ((await usageRows(ws)).length ? true : undefined), 'usage row');
    expect((await admin.get(`/workspaces/${ws}/metrics`)).body.input_tokens).toBe(100);

    clock.advance(60_000 + 1);
    const nextDay = await admin.get(`/workspaces/${ws}/metrics`);
    expect(nextDay.body).toEqual({
      input_tokens: 0,
      output_tokens: 0,
      total_calls: 0,
      estimated_cost_usd: '0.000000',
      period_start: '2026-03-02T00:00:00.000Z',
      period_end: '2026-03-03T00:00:00.000Z',
    });
    await relay(ws, 1);
    await eventually(async () => ((await usageRows(ws)).length === 2 ? true : undefined), 'day 2');
    expect(
      (await usageRows(ws)).map((r: any) => [r.period_start.toISOString(), r.input_tokens]),
    ).toEqual([
      ['2026-03-01T00:00:00.000Z', 100],
      ['2026-03-02T00:00:00.000Z', 100],
    ]);
  });

  describe('GET /workspaces/:id/metrics', () => {
    it('zeros for a workspace with nothing recorded', async () => {
      const ws = await insertWorkspace(db);
      const res = await app.http
        .withBearer(await insertToken(db, ws))
        .get(`/workspaces/${ws}/metrics`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        input_tokens: 0,
        output_tokens: 0,
        total_calls: 0,
        estimated_cost_usd: '0.000000',
      });
    });

    it('404 workspace not found for unknown and removed workspaces; 400 malformed; 401', async () => {
      const removed = await insertWorkspace(db, { status: 'removed' });
      for (const id of [randomUUID(), removed]) {
        const res = await admin.get(`/workspaces/${id}/metrics`);
        expect([res.status, res.body]).toEqual([404, { error: 'workspace not found' }]);
      }
      const bad = await admin.get('/workspaces/x/metrics');
      expect([bad.status, bad.body]).toEqual([400, { error: 'invalid workspace ID' }]);
      const ws = await insertWorkspace(db);
      const none = await app.http.get(`/workspaces/${ws}/metrics`);
      expect([none.status, none.body]).toEqual([401, { error: 'missing workspace auth token' }]);
    });

    it('purging a workspace removes its usage rows (cascade)', async () => {
      const ws = await insertWorkspace(db);
      await db.query(
        `INSERT INTO workspace_token_usage (workspace_id, period_start, input_tokens) VALUES ($1, now(), 1)`,
        [ws],
      );
      await db.query('DELETE FROM workspaces WHERE id = $1', [ws]);
      expect(await usageRows(ws)).toEqual([]);
    });
  });
});
