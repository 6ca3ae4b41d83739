import { Clock } from '../src/common/clock/clock';
import { LivenessSweep } from '../src/registry/liveness/liveness.sweep';
import { OfflineHooks } from '../src/registry/liveness/offline-hooks';
import { FakeClock } from './support/fake-clock';
import { insertWorkspace } from './support/factories';
import { startTestApp, TestApp, useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';

/** The background loop never ticks during the suite: every pass is a `sweep()` call. */
const QUIET = { LIVENESS_SWEEP_INTERVAL_SECONDS: '3600' };
const TTL_MS = 180_000;

/** Offline listeners run detached; they have all run after one macrotask. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Far enough back for any TTL used here: a server booted this long ago is past its grace. */
const UPTIME_MS = TTL_MS + 60_000;

/** A fake clock reading (about) now, for a server that booted `UPTIME_MS` ago. */
function bootedEarlier(): { clock: FakeClock; afterBoot: () => void } {
  const clock = new FakeClock(new Date(Date.now() - UPTIME_MS));
  return { clock, afterBoot: () => clock.advance(UPTIME_MS) };
}

/** An app whose clock the test drives, with the workspaces its offline hooks were called for. */
function liveApp(db: TestDatabase, env: Record<string, string> = {}) {
  const { clock, afterBoot } = bootedEarlier();
  const app = useTestApp(db, { ...QUIET, ...env }, [{ provide: Clock, useValue: clock }]);
  const offline: string[] = [];
  beforeAll(() => {
    afterBoot();
    app.get(OfflineHooks).on((id) => void offline.push(id));
  });
  return {
    app,
    clock,
    offline,
    sweep: () => app.get(LivenessSweep).sweep(),
    /** `ms` before the app's clock. */
    ago: (ms: number) => new Date(clock.now().getTime() - ms),
  };
}

async function statusOf(db: TestDatabase, id: string): Promise<string> {
  const [row] = await db.query<{ status: string }>('SELECT status FROM workspaces WHERE id = $1', [
    id,
  ]);
  return row.status;
}

/** The recorded events of one workspace, oldest first. */
async function eventsOf(db: TestDatabase, id: string) {
  return db.query<{ event_type: string; payload: unknown }>(
    `SELECT event_type, payload FROM structure_events WHERE workspace_id = $1
      ORDER BY created_at, id`,
    [id],
  );
}

const offlineEvents = async (db: TestDatabase, id: string) =>
  (await eventsOf(db, id)).filter((e) => e.event_type === 'WORKSPACE_OFFLINE');

const heartbeat = (app: TestApp, id: string, uptime = 30) =>
  app.http.post('/registry/heartbeat', { workspace_id: id, uptime_seconds: uptime });

describe('liveness (heartbeat column + sweep)', () => {
  const db = useTestDatabase();

  describe('with the default TTL', () => {
    const { app, offline, sweep, ago } = liveApp(db);

    it('takes live workspaces silent for longer than 180 s offline, exactly once', async () => {
      const canvas = await TestWsClient.connect(app.baseUrl);
      try {
        const staleOnline = await insertWorkspace(db, { last_heartbeat_at: ago(TTL_MS + 1000) });
        const staleDegraded = await insertWorkspace(db, {
          status: 'degraded',
          last_heartbeat_at: ago(3_600_000),
        });
        const fresh = await insertWorkspace(db, { last_heartbeat_at: ago(TTL_MS - 1000) });
        const freshDegraded = await insertWorkspace(db, {
          status: 'degraded',
          last_heartbeat_at: ago(10_000),
        });

        // The first test of the file: the database holds only these workspaces.
        expect(await sweep()).toEqual({ offline: 2 });
        expect(await sweep()).toBeUndefined();
        await settle();

        expect(await statusOf(db, staleOnline)).toBe('offline');
        expect(await statusOf(db, staleDegraded)).toBe('offline');
        expect(await statusOf(db, fresh)).toBe('online');
        expect(await statusOf(db, freshDegraded)).toBe('degraded');
        for (const id of [staleOnline, staleDegraded]) {
          expect(await offlineEvents(db, id)).toEqual([
            { event_type: 'WORKSPACE_OFFLINE', payload: {} },
          ]);
          expect((await canvas.nextEvent('WORKSPACE_OFFLINE', id)).payload).toEqual({});
          expect(offline.filter((o) => o === id)).toHaveLength(1);
        }
        for (const id of [fresh, freshDegraded]) {
          expect(await eventsOf(db, id)).toEqual([]);
          expect(offline).not.toContain(id);
        }
      } finally {
        await canvas.close();
      }
    });

    it('never touches workspaces that are not online or degraded', async () => {
      const statuses = [
        'offline',
        'paused',
        'hibernated',
        'hibernating',
        'removed',
        'failed',
        'provisioning',
        'awaiting_agent',
      ];
      const ids = new Map<string, string>();
      for (const status of statuses) {
        ids.set(status, await insertWorkspace(db, { status, last_heartbeat_at: ago(86_400_000) }));
      }
      await sweep();
      await settle();
      for (const [status, id] of ids) {
        expect([status, await statusOf(db, id)]).toEqual([status, status]);
        expect(await eventsOf(db, id)).toEqual([]);
        expect(offline).not.toContain(id);
      }
    });

    it('judges a workspace that never heartbeated by updated_at, else by its heartbeat', async () => {
      const seed = async (heartbeat: Date | null, updated: Date) => {
        const id = await insertWorkspace(db, { last_heartbeat_at: heartbeat });
        await db.query('UPDATE workspaces SET updated_at = $2 WHERE id = $1', [id, updated]);
        return id;
      };
      const neverBeatOld = await seed(null, ago(TTL_MS + 5000));
      const neverBeatNew = await seed(null, ago(5000));
      // Any other write (a rename, a card update) must not keep a silent agent "alive".
      const silentButTouched = await seed(ago(TTL_MS + 5000), ago(1000));
      const beatingButUntouched = await seed(ago(5000), ago(TTL_MS + 5000));

      await sweep();

      expect(await statusOf(db, neverBeatOld)).toBe('offline');
      expect(await statusOf(db, neverBeatNew)).toBe('online');
      expect(await statusOf(db, silentButTouched)).toBe('offline');
      expect(await statusOf(db, beatingButUntouched)).toBe('online');
    });

    it('brings a swept workspace back online with its next heartbeat', async () => {
      const full = await insertWorkspace(db, { last_heartbeat_at: ago(TTL_MS + 1000) });
      const taskPush = await insertWorkspace(db, { last_heartbeat_at: ago(TTL_MS + 1000) });
      await sweep();
      expect(await statusOf(db, full)).toBe('offline');

      const canvas = await TestWsClient.connect(app.baseUrl);
      try {
        for (const [id, uptime] of [
          [full, 30],
          [taskPush, 0],
        ] as const) {
          const res = await heartbeat(app, id, uptime);
          expect([res.status, res.body]).toEqual([200, { status: 'ok' }]);
          expect(await statusOf(db, id)).toBe('online');
          expect(await eventsOf(db, id)).toEqual([
            { event_type: 'WORKSPACE_OFFLINE', payload: {} },
            { event_type: 'WORKSPACE_ONLINE', payload: {} },
          ]);
          expect((await canvas.nextEvent('WORKSPACE_ONLINE', id)).payload).toEqual({});
        }
      } finally {
        await canvas.close();
      }

      // The heartbeat was recorded: the next pass leaves it alone.
      await sweep();
      expect(await statusOf(db, full)).toBe('online');
      expect(await offlineEvents(db, full)).toHaveLength(1);
    });
  });

  describe('as the clock moves', () => {
    const { app, clock, sweep } = liveApp(db);

    // First in this block: register stamps the database's now, which the fake clock is at.
    it('takes a registered agent that falls silent offline once the TTL has passed', async () => {
      const id = await insertWorkspace(db, { status: 'provisioning' });
      const res = await app.http.post('/registry/register', {
        id,
        url: 'http://localhost:1234',
        agent_card: { name: 'agent' },
      });
      expect(res.status).toBe(200);
      await sweep();
      expect(await statusOf(db, id)).toBe('online');

      clock.advance(TTL_MS + 60_000);
      await sweep();
      expect(await statusOf(db, id)).toBe('offline');
      expect((await eventsOf(db, id)).map((e) => e.event_type)).toEqual([
        'WORKSPACE_ONLINE',
        'WORKSPACE_OFFLINE',
      ]);
    });

    it('keeps a workspace silent for exactly the TTL, and not a millisecond longer', async () => {
      const id = await insertWorkspace(db, { last_heartbeat_at: clock.now() });
      clock.advance(TTL_MS);
      await sweep();
      expect(await statusOf(db, id)).toBe('online');
      clock.advance(1);
      await sweep();
      expect(await statusOf(db, id)).toBe('offline');
    });
  });

  describe('with LIVENESS_TTL_SECONDS=30', () => {
    const { sweep, ago } = liveApp(db, { LIVENESS_TTL_SECONDS: '30' });

    it('uses the configured TTL', async () => {
      const stale = await insertWorkspace(db, { last_heartbeat_at: ago(31_000) });
      const fresh = await insertWorkspace(db, { last_heartbeat_at: ago(29_000) });
      await sweep();
      expect(await statusOf(db, stale)).toBe('offline');
      expect(await statusOf(db, fresh)).toBe('online');
    });
  });

  describe('right after the server starts', () => {
    const clock = new FakeClock();
    const app = useTestApp(db, QUIET, [{ provide: Clock, useValue: clock }]);
    const sweep = () => app.get(LivenessSweep).sweep();

    it('gives workspaces one TTL to check in after an outage, then sweeps', async () => {
      const silentForAnHour = await insertWorkspace(db, {
        last_heartbeat_at: new Date(clock.now().getTime() - 3_600_000),
      });
      const checksIn = await insertWorkspace(db, {
        last_heartbeat_at: new Date(clock.now().getTime() - 3_600_000),
      });
      await sweep();
      expect(await statusOf(db, silentForAnHour)).toBe('online');

      expect((await heartbeat(app, checksIn)).status).toBe(200);
      clock.advance(TTL_MS);
      await sweep();
      expect(await statusOf(db, silentForAnHour)).toBe('online');

      clock.advance(1);
      await sweep();
      expect(await statusOf(db, silentForAnHour)).toBe('offline');
      expect(await statusOf(db, checksIn)).toBe('online');
      expect(await eventsOf(db, checksIn)).toEqual([]);
    });
  });

  describe('two replicas on one database', () => {
    const replicas: { app: TestApp; offline: string[] }[] = [];
    beforeAll(async () => {
      for (let i = 0; i < 2; i++) {
        const { clock, afterBoot } = bootedEarlier();
        const app = await startTestApp(db.url, QUIET, [{ provide: Clock, useValue: clock }]);
        afterBoot();
        const offline: string[] = [];
        app.get(OfflineHooks).on((id) => void offline.push(id));
        replicas.push({ app, offline });
      }
    });
    afterAll(() => Promise.all(replicas.map((r) => r.app.close())));

    it('record one WORKSPACE_OFFLINE per workspace and call one replica’s hooks', async () => {
      const stale: string[] = [];
      for (let i = 0; i < 6; i++) {
        stale.push(
          await insertWorkspace(db, {
            status: i % 2 ? 'degraded' : 'online',
            last_heartbeat_at: new Date(Date.now() - TTL_MS - 60_000),
          }),
        );
      }
      const sweeps = replicas.flatMap((r) => [r, r]).map((r) => r.app.get(LivenessSweep).sweep());
      await Promise.all(sweeps);
      await settle();

      for (const id of stale) {
        expect(await statusOf(db, id)).toBe('offline');
        expect(await offlineEvents(db, id)).toHaveLength(1);
        expect(replicas.flatMap((r) => r.offline).filter((o) => o === id)).toHaveLength(1);
      }
    });
  });
});
