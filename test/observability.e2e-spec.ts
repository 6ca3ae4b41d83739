import { Writable } from 'node:stream';
import {
  createHttpLogger,
  createRootLogger,
  HTTP_LOGGER,
} from '../src/common/observability/http-logger';
import { AppConfig } from '../src/config/app-config';
import { ComputeBackends } from '../src/provisioner/compute-backends';
import { CronLoop } from '../src/scheduler/firing/cron-loop';
import { ProvisionTimeoutSweep } from '../src/sweeper/provision-timeout/provision-timeout-sweep';
import { useTestAgents } from './support/agents';
import { eventually } from './support/eventually';
import { FakeDocker } from './support/fake-compute';
import { insertSchedule, insertToken, insertWorkspace } from './support/factories';
import { settled } from './support/lifecycle';
import { seriesValue } from './support/metrics-text';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';

type LogLine = Record<string, any>;

/** Every line the app logs, parsed. */
const logged: LogLine[] = [];
const destination = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split('\n')) if (line) logged.push(JSON.parse(line));
    done();
  },
});

// Development mode lets the proxy reach the test agents on loopback; the cron loop only ticks
// when a test says so.
const ENV = {
  MOLECULE_ENV: 'development',
  LOG_LEVEL: 'debug',
  SCHEDULER_POLL_INTERVAL_MS: '3600000',
  // Cycles run only when a request asks; workspaces are reached on loopback as they are.
  RECONCILE_SCAN_INTERVAL_SECONDS: '3600',
  // One cycle at a time: a second provision waits for the first one's slot.
  RECONCILE_CONCURRENCY: '1',
  WORKSPACE_NETWORK: 'host',
};

describe('operators: logs and metrics', () => {
  const db = useTestDatabase();
  const docker = new FakeDocker();
  const app = useTestApp(db, ENV, [
    { provide: ComputeBackends, useValue: new ComputeBackends(docker, null) },
    {
      provide: HTTP_LOGGER,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        createHttpLogger(config, createRootLogger(config, { destination })),
    },
  ]);
  const agents = useTestAgents();

  const metrics = async () => (await app.http.get('/metrics')).text;
  const firedOnce = async () => {
    const loop = app.get(CronLoop);
    await loop.tick();
    await loop.whenIdle();
  };

  describe('request ids', () => {
    it('carries the request id into the delegation the request started', async () => {
      const agent = await agents.start({ text: 'done' });
      const parent = await insertWorkspace(db);
      const source = await insertWorkspace(db, { parent_id: parent });
      const target = await insertWorkspace(db, { parent_id: parent, url: agent.url });

      const res = await app.http.post(
        `/workspaces/${source}/delegate`,
        { target_id: target, task: 'write it' },
        { headers: { 'X-Request-Id': 'obs-delegation-1' } },
      );
      expect(res.status).toBe(202);
      expect(res.headers.get('x-request-id')).toBe('obs-delegation-1');

      const settled = await eventually(
        async () => logged.find((l) => l.msg === 'delegation settled' && l.targetId === target),
        'the delegation worker to log its outcome',
      );
      // Logged by the worker after the response was sent, still under the request's id.
      expect(settled).toMatchObject({ req: { id: 'obs-delegation-1' }, outcome: 'completed' });
      expect(
        logged.find((l) => l.msg === 'request completed' && l.req?.id === 'obs-delegation-1'),
      ).toMatchObject({ req: { method: 'POST' }, res: { statusCode: 202 } });
    });

    it('carries each request id into the provision it asked for, queued ones included', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      docker.intercept('start', () => held);
      const create = (name: string, requestId: string) =>
        app.http.post(
          '/workspaces',
          { name, runtime: 'langgraph' },
          { headers: { 'X-Request-Id': requestId } },
        );
      try {
        const first = await create('Traced one', 'obs-provision-1');
        await eventually(
          async () => docker.calls.find((c) => c === `start ${first.body.id}`),
          'the first provision to reach the engine',
        );
        // Waits for the only slot; it starts when the first cycle ends, from that cycle.
        const second = await create('Traced two', 'obs-provision-2');
        release();
        const cycleOf = (id: string) =>
          eventually(
            async () => logged.find((l) => l.msg === 'reconcile cycle' && l.workspaceId === id),
            `the cycle of ${id} to be logged`,
          );
        expect(await cycleOf(first.body.id)).toMatchObject({
          req: { id: 'obs-provision-1' },
          desired: 'running',
          outcome: 'done',
        });
        expect(await cycleOf(second.body.id)).toMatchObject({
          req: { id: 'obs-provision-2' },
          outcome: 'done',
        });
      } finally {
        docker.clearInterceptors();
        release();
      }
    });

    it('gives each schedule fire its message id as request id', async () => {
      const agent = await agents.start({ text: 'fired' });
      const ws = await insertWorkspace(db, { url: agent.url });
      const schedule = await insertSchedule(db, ws, { next_run_at: new Date(Date.now() - 1000) });

      await firedOnce();
      const line = logged.find((l) => l.msg === 'schedule fired' && l.scheduleId === schedule);
      const sent = agent.requests.find((r) => r.body?.method === 'message/send');
      expect(line?.req?.id).toBe(sent?.body.params.message.messageId);
      expect(line?.req?.id).toMatch(new RegExp(`^cron-${schedule.slice(0, 8)}-`));
    });
  });

  describe('/metrics', () => {
    it('moves the HTTP, heartbeat, A2A, schedule and event series with the traffic', async () => {
      const agent = await agents.start({ text: 'pong' });
      const ws = await insertWorkspace(db, { url: agent.url });
      const token = await insertToken(db, ws);
      await insertSchedule(db, ws, { next_run_at: new Date(Date.now() - 1000) });
      const canvas = await TestWsClient.connect(app.baseUrl);
      const before = await metrics();

      for (let i = 0; i < 3; i++) expect((await app.http.get('/health')).status).toBe(200);
      const beat = { workspace_id: ws, uptime_seconds: 30 };
      for (let i = 0; i < 2; i++)
        expect((await app.http.withBearer(token).post('/registry/heartbeat', beat)).status).toBe(
          200,
        );
      expect((await app.http.withBearer('wrong').post('/registry/heartbeat', beat)).status).toBe(
        401,
      );
      const message = { method: 'message/send', params: { message: { role: 'user', parts: [] } } };
      expect((await app.http.post(`/workspaces/${ws}/a2a`, message)).status).toBe(200);
      const unknown = '00000000-0000-4000-8000-00000000dead';
      expect((await app.http.post(`/workspaces/${unknown}/a2a`, message)).status).toBe(404);
      await firedOnce();
      await canvas.next((f) => f.event === 'WORKSPACE_HEARTBEAT' && f.workspace_id === ws);

      const after = await metrics();
      const moved = (name: string, labels: Record<string, string> = {}) =>
        seriesValue(after, name, labels) - seriesValue(before, name, labels);
      const health = { method: 'GET', path: '/health', status: '200' };

      expect(moved('molecule_http_requests_total', health)).toBe(3);
      expect(moved('molecule_http_request_duration_seconds_count', health)).toBe(3);
      expect(
        moved('molecule_http_request_duration_seconds_bucket', { ...health, le: '+Inf' }),
      ).toBe(3);
      expect(moved('molecule_http_request_duration_seconds_sum', health)).toBeGreaterThan(0);
      expect(
        moved('molecule_http_requests_total', {
          method: 'POST',
          path: '/workspaces/:id/a2a',
          status: '404',
        }),
      ).toBe(1);

      expect(moved('molecule_heartbeats_total', { outcome: 'accepted' })).toBe(2);
      expect(moved('molecule_heartbeats_total', { outcome: 'unauthorized' })).toBe(1);

      // The route's call and the schedule's fire reached the agent; the unknown target did not.
      expect(moved('molecule_a2a_proxy_requests_total', { outcome: 'delivered' })).toBe(2);
      expect(moved('molecule_a2a_proxy_requests_total', { outcome: 'rejected' })).toBe(1);
      expect(moved('molecule_a2a_proxy_duration_seconds_count', { outcome: 'delivered' })).toBe(2);

      expect(moved('molecule_schedule_fires_total', { status: 'ok' })).toBe(1);
      expect(moved('molecule_schedule_fire_lateness_seconds_count')).toBe(1);

      expect(moved('molecule_event_fanout_seconds_count', { origin: 'local' })).toBeGreaterThan(0);
      expect(seriesValue(after, 'molecule_websocket_connections_active')).toBe(1);
      expect(moved('molecule_db_queries_total', { statement: 'registry.heartbeat' })).toBe(3);
      canvas.close();
    });

    it('counts and times provisions, the failed ones apart', async () => {
      const before = await metrics();
      const ok = await app.http.post('/workspaces', { name: 'Counted', runtime: 'langgraph' });
      await settled(db, ok.body.id);
      docker.intercept('start', () => {
        throw new Error('engine refused');
      });
      try {
        const failing = await app.http.post('/workspaces', { name: 'Fails', runtime: 'langgraph' });
        await settled(db, failing.body.id);
      } finally {
        docker.clearInterceptors();
      }
      const after = await metrics();
      const moved = (name: string, labels: Record<string, string>) =>
        seriesValue(after, name, labels) - seriesValue(before, name, labels);
      const done = { action: 'provision', outcome: 'done' };
      const failed = { action: 'provision', outcome: 'failed' };
      expect(moved('molecule_reconcile_cycles_total', done)).toBe(1);
      expect(moved('molecule_reconcile_cycles_total', failed)).toBe(1);
      expect(moved('molecule_reconcile_cycle_duration_seconds_count', done)).toBe(1);
      expect(moved('molecule_reconcile_cycle_duration_seconds_count', failed)).toBe(1);
    });

    it('counts each sweep pass, its duration and what it did', async () => {
      const stuck = await insertWorkspace(db, { status: 'provisioning' });
      await db.query(`UPDATE workspaces SET updated_at = now() - interval '1 day' WHERE id = $1`, [
        stuck,
      ]);
      const before = await metrics();
      const outcome = await app.get(ProvisionTimeoutSweep).runPass();
      expect(outcome).toEqual({ status: 'done', summary: { timedOut: 1 } });
      const after = await metrics();
      const loop = { loop: 'provision-timeout-sweep' };
      const moved = (name: string, labels: Record<string, string>) =>
        seriesValue(after, name, labels) - seriesValue(before, name, labels);
      expect(moved('molecule_background_passes_total', { ...loop, outcome: 'done' })).toBe(1);
      expect(moved('molecule_background_pass_duration_seconds_count', loop)).toBe(1);
      expect(
        moved('molecule_sweep_actions_total', {
          sweep: 'provision-timeout-sweep',
          action: 'timed_out',
        }),
      ).toBe(1);
      // Every sweep's actions are on the page from its start, moved or not.
      expect(after).toMatch(
        /^molecule_sweep_actions_total\{sweep="liveness-monitor",action="offline"\} \d+$/m,
      );
    });

    it('counts the fleet and the pool when scraped', async () => {
      await insertWorkspace(db, { status: 'paused' });
      const ws = await insertWorkspace(db, { status: 'hibernated' });
      await db.query(
        `INSERT INTO a2a_queue (workspace_id, body, status) VALUES ($1, '{}', 'queued'), ($1, '{}', 'queued')`,
        [ws],
      );
      const byStatus = await db.query<{ status: string; n: number }>(
        'SELECT status::text, count(*)::int AS n FROM workspaces GROUP BY status',
      );

      // An earlier scrape's counts are reused for FLEET_COUNTS_TTL_MS: wait for a fresh count.
      const counted = (t: string) =>
        byStatus.every(({ status, n }) => seriesValue(t, 'molecule_workspaces', { status }) === n);
      const text = await eventually(async () => {
        const t = await metrics();
        return counted(t) ? t : undefined;
      }, 'the fleet gauges to count the new rows');
      for (const { status, n } of byStatus)
        expect(seriesValue(text, 'molecule_workspaces', { status })).toBe(n);
      // Statuses no workspace has are reported as 0, not left out.
      expect(text).toMatch(/^molecule_workspaces\{status="awaiting_agent"\} 0$/m);
      expect(seriesValue(text, 'molecule_a2a_queue_depth', { status: 'queued' })).toBe(2);
      expect(seriesValue(text, 'molecule_db_pool_max_connections')).toBe(25);
      const open =
        seriesValue(text, 'molecule_db_pool_connections', { state: 'idle' }) +
        seriesValue(text, 'molecule_db_pool_connections', { state: 'in_use' });
      expect(open).toBeGreaterThan(0);
      expect(text).toMatch(/^molecule_db_pool_waiting_clients \d+$/m);
    });
  });
});
