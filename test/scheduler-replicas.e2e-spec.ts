import { LoopLiveness } from '../src/common/loops/loop-liveness';
import { TestAgent, useTestAgents } from './support/agents';
import { eventually } from './support/eventually';
import { insertWorkspace } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const AGENTS = 12;
const SCHEDULES_PER_AGENT = 25;
const TOTAL = AGENTS * SCHEDULES_PER_AGENT;
// Both replicas poll every 50 ms on their own real timers, as in production.
const ENV = { MOLECULE_ENV: 'development', SCHEDULER_POLL_INTERVAL_MS: '50' };

/** The prompt of each cron message an agent received. */
function promptsAt(agent: TestAgent): string[] {
  return agent.requests
    .filter((r) => r.method === 'POST' && r.body?.method === 'message/send')
    .map((r) => String(r.body.params.message.parts[0].text));
}

describe('cron scheduler with two replicas on one database', () => {
  const db = useTestDatabase();
  const agents = useTestAgents();
  const replicas: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((r) => r.close()));
  });

  it('fires every schedule due at once exactly once, counted at the agents', async () => {
    const fleet = await Promise.all(Array.from({ length: AGENTS }, () => agents.start()));
    const ids: string[] = [];
    const due = new Date(Date.now() - 1000);
    for (const agent of fleet) {
      const ws = await insertWorkspace(db, { url: agent.url, max_concurrent_tasks: 1000 });
      const rows = await db.query<{ id: string }>(
        `INSERT INTO workspace_schedules (workspace_id, name, cron_expr, prompt, next_run_at)
         SELECT $1, 'yearly-' || n, '0 0 1 1 *', 'happy new year ' || n, $2
           FROM generate_series(1, $3) AS n
         RETURNING id`,
        [ws, due, SCHEDULES_PER_AGENT],
      );
      ids.push(...rows.map((r) => r.id));
    }

    replicas.push(...(await Promise.all([startTestApp(db.url, ENV), startTestApp(db.url, ENV)])));

    const fired = () => fleet.flatMap(promptsAt);
    await eventually(
      async () => (fired().length >= TOTAL ? true : undefined),
      'every fire',
      40_000,
    );
    const recorded = await eventually(async () => {
      const [row] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM workspace_schedules
          WHERE id = ANY($1) AND run_count = 1 AND last_status = 'ok'`,
        [ids],
      );
      return row.n === TOTAL ? row.n : undefined;
    }, 'every run recorded');
    expect(recorded).toBe(TOTAL);

    // Let each replica complete two more ticks after the last fire: nothing fires again.
    const done = Date.now();
    await eventually(
      async () =>
        replicas.every(
          (r) =>
            r.get(LoopLiveness).snapshot(new Date()).scheduler.last_tick_at.getTime() > done + 100,
        )
          ? true
          : undefined,
      'two more ticks on each replica',
    );

    // Every agent got each of its schedules' prompts exactly once.
    const expected = Array.from(
      { length: SCHEDULES_PER_AGENT },
      (_, i) => `happy new year ${i + 1}`,
    );
    for (const agent of fleet) expect(promptsAt(agent).sort()).toEqual(expected.sort());
    const history = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM activity_logs WHERE activity_type = 'cron_run'`,
    );
    expect(history[0].n).toBe(TOTAL);
  }, 60_000);

  it('a native scheduler declared to one replica is skipped by the other too', async () => {
    const agent = await agents.start();
    const ws = await insertWorkspace(db, { url: agent.url });
    replicas.push(...(await Promise.all([startTestApp(db.url, ENV), startTestApp(db.url, ENV)])));
    const beat = await replicas[0].http.post('/registry/heartbeat', {
      workspace_id: ws,
      active_tasks: 0,
      uptime_seconds: 60,
      runtime_metadata: { capabilities: { scheduler: true } },
    });
    expect(beat.status).toBe(200);
    const due = new Date(Date.now() - 1000);
    const rows = await db.query<{ id: string }>(
      `INSERT INTO workspace_schedules (workspace_id, name, cron_expr, prompt, next_run_at)
       SELECT $1, 'native-' || n, '0 0 1 1 *', 'native ' || n, $2 FROM generate_series(1, 20) AS n
       RETURNING id`,
      [ws, due],
    );
    const advanced = await eventually(async () => {
      const [row] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM workspace_schedules WHERE id = ANY($1) AND next_run_at > now()`,
        [rows.map((r) => r.id)],
      );
      return row.n === 20 ? row.n : undefined;
    }, 'every next_run_at moved on');
    expect(advanced).toBe(20);
    expect(promptsAt(agent)).toEqual([]);
    const ran = await db.query(
      `SELECT 1 FROM workspace_schedules WHERE id = ANY($1) AND run_count > 0`,
      [rows.map((r) => r.id)],
    );
    expect(ran).toEqual([]);
  }, 30_000);
});
