import { Clock } from '../src/common/clock/clock';
import { WorkspaceScheduleEntity } from '../src/database/entities';
import { CronLoop } from '../src/scheduler/firing/cron-loop';
import { PhantomBusySweep } from '../src/scheduler/firing/phantom-busy-sweep';
import { FIRE_TIMEOUT_MS } from '../src/scheduler/firing/schedule-firer';
import { TestAgent, useTestAgents } from './support/agents';
import { eventually } from './support/eventually';
import { insertSchedule, insertWorkspace } from './support/factories';
import { FakeClock } from './support/fake-clock';
import { startTestApp, useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
// Ticks are driven by the tests; the A2A idle window is long so that only the fire timeout
// ends a silent agent's call. Development mode lets the proxy reach agents on loopback.
const ENV = {
  MOLECULE_ENV: 'development',
  SCHEDULER_POLL_INTERVAL_MS: '3600000',
  A2A_IDLE_TIMEOUT_SECONDS: '86400',
};

/** A schedule row as stored. */
type ScheduleState = WorkspaceScheduleEntity;

async function schedule(db: TestDatabase, id: string): Promise<ScheduleState> {
  const [row] = await db.query<ScheduleState>('SELECT * FROM workspace_schedules WHERE id = $1', [
    id,
  ]);
  return row;
}

async function cronRuns(db: TestDatabase, workspaceId: string) {
  return db.query<any>(
    `SELECT * FROM activity_logs WHERE workspace_id = $1 AND activity_type = 'cron_run'
      ORDER BY created_at`,
    [workspaceId],
  );
}

/** The A2A `message/send` calls an agent received (card fetches and the like excluded). */
function messagesAt(agent: TestAgent) {
  return agent.requests.filter((r) => r.method === 'POST' && r.body?.method === 'message/send');
}

describe('cron scheduler', () => {
  const db = useTestDatabase();
  const clock = new FakeClock(new Date('2026-04-01T12:00:00.000Z'));
  const app = useTestApp(db, ENV, [{ provide: Clock, useValue: clock }]);
  const agents = useTestAgents();
  let loop: CronLoop;
  beforeAll(() => {
    loop = app.get(CronLoop);
  });
  beforeEach(() => db.query('UPDATE workspace_schedules SET enabled = false'));

  /** One tick, and every fire it started recorded. */
  async function tick() {
    const summary = await loop.tick();
    await loop.whenIdle();
    return summary;
  }
  const ago = (ms: number) => new Date(clock.now().getTime() - ms);

  describe('a due schedule', () => {
    it('fires once through the A2A proxy into the agent, and records the run', async () => {
      const agent = await agents.start({ text: 'report done' });
      const ws = await insertWorkspace(db, { url: agent.url, name: 'Reporter' });
      const id = await insertSchedule(db, ws, {
        name: 'nightly',
        prompt: 'run the report',
        next_run_at: ago(SECOND),
      });
      const events = await TestWsClient.connect(app.baseUrl);
      try {
        const summary = await tick();
        expect(summary).toMatchObject({ claimed: 1, fired: 1 });

        const [call] = messagesAt(agent);
        expect(messagesAt(agent)).toHaveLength(1);
        expect(call.body).toEqual({
          jsonrpc: '2.0',
          id: expect.any(String),
          method: 'message/send',
          params: {
            message: {
              role: 'user',
              messageId: expect.stringMatching(new RegExp(`^cron-${id.slice(0, 8)}-[0-9a-f]{8}$`)),
              parts: [{ kind: 'text', text: 'run the report' }],
            },
          },
        });
        // The canvas-style caller: no identity reaches the agent.
        expect(call.headers['x-workspace-id']).toBeUndefined();

        expect(await schedule(db, id)).toMatchObject({
          last_status: 'ok',
          last_error: '',
          run_count: 1,
          last_run_at: clock.now(),
          next_run_at: new Date('2026-04-01T12:05:00.000Z'),
          firing_since: null,
          consecutive_empty_runs: 0,
        });
        const [history] = await cronRuns(db, ws);
        expect(history).toMatchObject({
          method: 'cron',
          source_id: null,
          summary: 'Cron: nightly',
          status: 'ok',
          error_detail: '',
          duration_ms: null,
          request_body: {
            schedule_id: id,
            schedule_name: 'nightly',
            cron_expr: '*/5 * * * *',
            prompt: 'run the report',
          },
        });
        // The proxy logs the delivery as it does for the canvas.
        const received = await eventually(async () => {
          const rows = await db.query<any>(
            `SELECT source_id, status FROM activity_logs
              WHERE workspace_id = $1 AND activity_type = 'a2a_receive'`,
            [ws],
          );
          return rows.length > 0 ? rows : undefined;
        }, 'the a2a_receive row');
        expect(received).toEqual([{ source_id: null, status: 'ok' }]);

        const executed = await events.nextEvent('CRON_EXECUTED', ws);
        expect(executed.payload).toEqual({
          schedule_id: id,
          schedule_name: 'nightly',
          status: 'ok',
        });
        const response = await events.nextEvent('A2A_RESPONSE', ws);
        expect(response.payload.response_body.result.parts).toEqual([
          { kind: 'text', text: 'report done' },
        ]);
        expect(
          await db.query(
            `SELECT payload FROM structure_events WHERE event_type = 'CRON_EXECUTED' AND workspace_id = $1`,
            [ws],
          ),
        ).toEqual([{ payload: { schedule_id: id, schedule_name: 'nightly', status: 'ok' } }]);

        // Nothing is due any more.
        expect(await tick()).toMatchObject({ claimed: 0 });
        expect(messagesAt(agent)).toHaveLength(1);
      } finally {
        await events.close();
      }
    });

    it('overdue by hours fires once, then waits for the next future slot (no back-fill)', async () => {
      const agent = await agents.start();
      const ws = await insertWorkspace(db, { url: agent.url });
      const id = await insertSchedule(db, ws, { next_run_at: ago(5 * 60 * MINUTE) });
      await tick();
      await tick();
      expect(messagesAt(agent)).toHaveLength(1);
      expect((await schedule(db, id)).next_run_at).toEqual(new Date('2026-04-01T12:05:00.000Z'));
    });

    it('leaves alone what is not due, disabled, without a next run or in a removed workspace', async () => {
      const agent = await agents.start();
      const ws = await insertWorkspace(db, { url: agent.url });
      const removed = await insertWorkspace(db, { url: agent.url, status: 'removed' });
      await insertSchedule(db, ws, { next_run_at: new Date(clock.now().getTime() + SECOND) });
      await insertSchedule(db, ws, { next_run_at: ago(MINUTE), enabled: false });
      await insertSchedule(db, ws, { next_run_at: null });
      const orphan = await insertSchedule(db, removed, { next_run_at: ago(MINUTE) });
      expect(await tick()).toMatchObject({ claimed: 0, fired: 0 });
      expect(messagesAt(agent)).toEqual([]);
      expect((await schedule(db, orphan)).run_count).toBe(0);
    });

    it('fires a tick worth of many due schedules, each exactly once', async () => {
      const fleet = await Promise.all(Array.from({ length: 5 }, () => agents.start()));
      const ids: string[] = [];
      for (const agent of fleet) {
        const ws = await insertWorkspace(db, { url: agent.url, max_concurrent_tasks: 100 });
        for (let i = 0; i < 30; i++)
          ids.push(await insertSchedule(db, ws, { next_run_at: ago(i) }));
      }
      const summary = await tick();
      expect(summary).toMatchObject({ claimed: 150, fired: 150 });
      expect(fleet.map((a) => messagesAt(a).length)).toEqual([30, 30, 30, 30, 30]);
      const counts = await db.query<{ run_count: number }>(
        'SELECT run_count FROM workspace_schedules WHERE id = ANY($1)',
        [ids],
      );
      expect(counts.every((c) => c.run_count === 1)).toBe(true);
    });
  });

  describe('outcomes', () => {
    async function fireOnce(seed: Parameters<typeof insertWorkspace>[1]) {
      const ws = await insertWorkspace(db, seed);
      const id = await insertSchedule(db, ws, { name: 'probe', next_run_at: ago(SECOND) });
      await tick();
      return { ws, id, row: await schedule(db, id), history: await cronRuns(db, ws) };
    }

    it.each([
      ['paused (no URL)', { url: '', status: 'paused' }, 'workspace has no URL'],
      [
        'offline (nothing listening)',
        { url: 'http://127.0.0.1:9', status: 'offline' },
        'failed to reach workspace agent',
      ],
      [
        'over budget',
        { url: 'http://127.0.0.1:9', budget_limit: 10, monthly_spend: 10 },
        'workspace budget limit exceeded',
      ],
    ])('%s: recorded as error with the proxy message', async (_, seed, error) => {
      const { row, history } = await fireOnce(seed);
      expect(row).toMatchObject({
        last_status: 'error',
        last_error: error,
        run_count: 1,
        enabled: true,
      });
      expect(history).toEqual([expect.objectContaining({ status: 'error', error_detail: error })]);
    });

    it('hibernated: the fire wakes the workspace and is recorded as error; the next slot proceeds', async () => {
      const { ws, row } = await fireOnce({ url: null, status: 'hibernated' });
      expect(row).toMatchObject({
        last_status: 'error',
        last_error: 'workspace is waking from hibernation — retry in ~15 seconds',
        next_run_at: new Date('2026-04-01T12:05:00.000Z'),
      });
      // The wake is the lifecycle's: the workspace is meant to run again.
      const [woken] = await db.query<{ desired_state: string }>(
        'SELECT desired_state FROM workspaces WHERE id = $1',
        [ws],
      );
      expect(woken.desired_state).toBe('running');
    });

    it("an agent's error reply: its error string", async () => {
      const agent = await agents.start({
        mode: 'status',
        status: 500,
        body: { error: 'model overloaded' },
      });
      const { row } = await fireOnce({ url: agent.url });
      expect(row).toMatchObject({ last_status: 'error', last_error: 'model overloaded' });
    });

    it('a busy agent: the message is queued and the run recorded as queued, not ok (decided)', async () => {
      const agent = await agents.start({ busy: 'drop' });
      const { ws, row, history } = await fireOnce({ url: agent.url });
      expect(row).toMatchObject({ last_status: 'queued', last_error: '' });
      expect(history[0]).toMatchObject({ status: 'queued' });
      const [queued] = await db.query<any>('SELECT * FROM a2a_queue WHERE workspace_id = $1', [ws]);
      // The proxy kept the fire's messageId: it is the queue's idempotency key.
      expect(queued.idempotency_key).toBe(messagesAt(agent)[0].body.params.message.messageId);
      expect(queued.idempotency_key).toMatch(/^cron-/);
    });

    it('three empty replies in a row mark the schedule stale; a real reply resets the count', async () => {
      let reply = '';
      const agent = await agents.start({ text: () => reply });
      const ws = await insertWorkspace(db, { url: agent.url });
      const id = await insertSchedule(db, ws, { next_run_at: ago(SECOND) });
      const fire = async () => {
        clock.advance(SECOND);
        await db.query('UPDATE workspace_schedules SET next_run_at = $2 WHERE id = $1', [
          id,
          ago(SECOND),
        ]);
        await tick();
        return schedule(db, id);
      };
      expect(await fire()).toMatchObject({ last_status: 'ok', consecutive_empty_runs: 1 });
      expect(await fire()).toMatchObject({ last_status: 'ok', consecutive_empty_runs: 2 });
      expect(await fire()).toMatchObject({
        last_status: 'stale',
        last_error: 'empty response 3 consecutive times — agent may be phantom-producing (#795)',
        consecutive_empty_runs: 3,
      });
      expect((await cronRuns(db, ws)).map((r) => r.status)).toEqual(['ok', 'ok', 'stale']);
      reply = 'back to work';
      expect(await fire()).toMatchObject({
        last_status: 'ok',
        last_error: '',
        consecutive_empty_runs: 0,
      });
    });
  });

  describe('native schedulers', () => {
    it('a workspace that declared the scheduler capability is not fired; next_run_at still moves', async () => {
      const agent = await agents.start();
      const ws = await insertWorkspace(db, { url: agent.url });
      const id = await insertSchedule(db, ws, { next_run_at: ago(SECOND) });
      const beat = await app.http.post('/registry/heartbeat', {
        workspace_id: ws,
        active_tasks: 0,
        uptime_seconds: 60,
        runtime_metadata: { capabilities: { scheduler: true } },
      });
      expect(beat.status).toBe(200);

      expect(await tick()).toMatchObject({ claimed: 1, fired: 0, nativeSkipped: 1 });
      expect(messagesAt(agent)).toEqual([]);
      expect(await schedule(db, id)).toMatchObject({
        next_run_at: new Date('2026-04-01T12:05:00.000Z'),
        last_run_at: null,
        run_count: 0,
        last_status: '',
      });
      expect(await cronRuns(db, ws)).toEqual([]);

      // The adapter drops the flag: the platform fires again.
      await app.http.post('/registry/heartbeat', {
        workspace_id: ws,
        active_tasks: 0,
        uptime_seconds: 60,
        runtime_metadata: { capabilities: { scheduler: false } },
      });
      await db.query('UPDATE workspace_schedules SET next_run_at = $2 WHERE id = $1', [
        id,
        ago(SECOND),
      ]);
      expect(await tick()).toMatchObject({ fired: 1 });
      expect(messagesAt(agent)).toHaveLength(1);
    });
  });

  describe('capacity', () => {
    it('defers while the workspace is at max_concurrent_tasks, and fires once it is not', async () => {
      const agent = await agents.start();
      const ws = await insertWorkspace(db, {
        url: agent.url,
        active_tasks: 2,
        max_concurrent_tasks: 2,
      });
      const id = await insertSchedule(db, ws, { next_run_at: ago(SECOND) });
      const deferredAt = clock.now();

      expect(await tick()).toMatchObject({ claimed: 1, deferred: 1, fired: 0 });
      expect(await schedule(db, id)).toMatchObject({
        deferred_since: deferredAt,
        next_run_at: new Date(deferredAt.getTime() + 10 * SECOND),
        run_count: 0,
      });
      expect(await tick()).toMatchObject({ claimed: 0 });

      clock.advance(10 * SECOND);
      expect(await tick()).toMatchObject({ deferred: 1 });
      expect((await schedule(db, id)).deferred_since).toEqual(deferredAt);

      await db.query('UPDATE workspaces SET active_tasks = 1 WHERE id = $1', [ws]);
      clock.advance(10 * SECOND);
      expect(await tick()).toMatchObject({ fired: 1 });
      expect(messagesAt(agent)).toHaveLength(1);
      expect(await schedule(db, id)).toMatchObject({
        deferred_since: null,
        last_status: 'ok',
        run_count: 1,
      });
    });

    it('still at capacity after two minutes: recorded as skipped, with its event', async () => {
      const agent = await agents.start();
      const ws = await insertWorkspace(db, { url: agent.url, active_tasks: 1 });
      const id = await insertSchedule(db, ws, { name: 'busy one', next_run_at: ago(SECOND) });
      await db.query('UPDATE workspace_schedules SET consecutive_empty_runs = 2 WHERE id = $1', [
        id,
      ]);
      const events = await TestWsClient.connect(app.baseUrl);
      try {
        for (let waited = 0; waited < 120; waited += 10) {
          expect(await tick()).toMatchObject({ deferred: 1 });
          clock.advance(10 * SECOND);
        }
        expect(await tick()).toMatchObject({ skipped: 1, deferred: 0 });
        expect(messagesAt(agent)).toEqual([]);
        const reason = 'skipped: workspace busy (active_tasks=1)';
        expect(await schedule(db, id)).toMatchObject({
          last_status: 'skipped',
          last_error: reason,
          run_count: 1,
          last_run_at: clock.now(),
          deferred_since: null,
          consecutive_empty_runs: 2,
        });
        expect((await schedule(db, id)).next_run_at!.getTime()).toBeGreaterThan(
          clock.now().getTime(),
        );
        const [history] = await cronRuns(db, ws);
        expect(history).toMatchObject({
          summary: 'Cron skipped: busy one',
          status: 'skipped',
          error_detail: reason,
          request_body: {
            schedule_id: id,
            schedule_name: 'busy one',
            cron_expr: '*/5 * * * *',
            skipped: true,
            active_tasks: 1,
          },
        });
        const skipped = await events.nextEvent('CRON_SKIPPED', ws);
        expect(skipped.payload).toEqual({ schedule_id: id, schedule_name: 'busy one', reason });
      } finally {
        await events.close();
      }
    });

    it('the phantom-busy sweep frees workspaces that report tasks but show no activity', async () => {
      const stuck = await insertWorkspace(db, { active_tasks: 3, current_task: 'ghost' });
      const working = await insertWorkspace(db, { active_tasks: 1, current_task: 'real' });
      const gone = await insertWorkspace(db, { active_tasks: 1, status: 'removed' });
      await db.query(
        `INSERT INTO activity_logs (workspace_id, activity_type, created_at) VALUES ($1, 'agent_log', $2)`,
        [working, ago(5 * MINUTE)],
      );
      await db.query(
        `INSERT INTO activity_logs (workspace_id, activity_type, created_at) VALUES ($1, 'agent_log', $2)`,
        [stuck, ago(11 * MINUTE)],
      );
      await app.get(PhantomBusySweep).sweep();
      const rows = await db.query<any>(
        'SELECT id, active_tasks, current_task FROM workspaces WHERE id = ANY($1)',
        [[stuck, working, gone]],
      );
      const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
      expect(byId[stuck]).toMatchObject({ active_tasks: 0, current_task: '' });
      expect(byId[working]).toMatchObject({ active_tasks: 1, current_task: 'real' });
      expect(byId[gone]).toMatchObject({ active_tasks: 1 });
    });
  });

  describe('the fire timeout', () => {
    it('ends a silent agent call at the timeout without delaying the other fires of the tick', async () => {
      const silent = await agents.start({ mode: 'neverAnswer' });
      const quick = await agents.start({ text: 'on it' });
      const slowWs = await insertWorkspace(db, { url: silent.url });
      const quickWs = await insertWorkspace(db, { url: quick.url });
      const slow = await insertSchedule(db, slowWs, {
        cron_expr: '* * * * *',
        next_run_at: ago(2 * SECOND),
      });
      const fast = await insertSchedule(db, quickWs, { next_run_at: ago(SECOND) });

      const summary = await loop.tick();
      expect(summary).toMatchObject({ claimed: 2, fired: 2 });
      // The quick fire is recorded while the silent one is still waiting.
      await eventually(
        async () => ((await schedule(db, fast)).last_status === 'ok' ? true : undefined),
        'the quick fire',
      );
      await silent.waitForRequests(1);
      expect(await schedule(db, slow)).toMatchObject({
        last_status: '',
        firing_since: expect.any(Date),
      });

      // Its next slot comes due while it is in flight: it is not fired a second time.
      clock.advance(MINUTE);
      expect(await loop.tick()).toMatchObject({ claimed: 0, inFlight: 1 });

      clock.advance(FIRE_TIMEOUT_MS - MINUTE - SECOND);
      expect((await schedule(db, slow)).last_status).toBe('');
      clock.advance(SECOND);
      await loop.whenIdle();
      expect(await schedule(db, slow)).toMatchObject({
        last_status: 'queued',
        firing_since: null,
        run_count: 1,
      });
      // Slots it overlapped are not caught up: the next one is after now.
      expect((await schedule(db, slow)).next_run_at!.getTime()).toBeGreaterThan(
        clock.now().getTime(),
      );
      expect(messagesAt(silent)).toHaveLength(1);
    });
  });

  describe('start-up and liveness', () => {
    it('reports its ticks in /admin/liveness under "scheduler"', async () => {
      await loop.runTick();
      const res = await app.http.get('/admin/liveness');
      expect(res.status).toBe(200);
      expect(res.body.subsystems.scheduler).toEqual({
        last_tick_at: clock.now().toISOString(),
        seconds_ago: 0,
      });
    });

    it('repairs enabled schedules without a next run when it starts (any workspace state)', async () => {
      const ws = await insertWorkspace(db, { status: 'hibernated' });
      const missing = await insertSchedule(db, ws, {
        next_run_at: null,
        timezone: 'Asia/Tokyo',
        cron_expr: '0 9 * * *',
      });
      const disabled = await insertSchedule(db, ws, { next_run_at: null, enabled: false });
      const broken = await insertSchedule(db, ws, { next_run_at: null, cron_expr: 'garbage' });
      const second = await startTestApp(db.url, ENV, [{ provide: Clock, useValue: clock }]);
      try {
        expect((await schedule(db, missing)).next_run_at).toEqual(
          new Date('2026-04-02T00:00:00.000Z'),
        );
        expect((await schedule(db, disabled)).next_run_at).toBeNull();
        expect((await schedule(db, broken)).next_run_at).toBeNull();
        const res = await second.http.get('/admin/liveness');
        expect(res.body.subsystems.scheduler).toBeDefined();
      } finally {
        await second.close();
      }
    });
  });
});
