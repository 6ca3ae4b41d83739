import { BackgroundLoops } from '../src/common/loops/background-loops';
import { LoopLiveness } from '../src/common/loops/loop-liveness';
import { LoopNames } from '../src/common/loops/loop-names';
import { eventually } from './support/eventually';
import { insertOrgToken, insertToken, insertWorkspace } from './support/factories';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'liveness-admin';
// Only the loops a test ticks itself: the reconcile scan never runs during these tests.
const QUIET = { RECONCILE_SCAN_INTERVAL_SECONDS: '3600' };

describe('GET /admin/liveness', () => {
  const db = useTestDatabase();

  // First: this block needs an install without any workspace token.
  describe('without ADMIN_TOKEN', () => {
    const app = useTestApp(db, QUIET);

    beforeAll(() => db.query('DELETE FROM workspace_auth_tokens'));

    it('answers before any tick with what reported at start: the cron loop (open on a fresh install)', async () => {
      const res = await app.http.get('/admin/liveness');
      expect(res.status).toBe(200);
      // The scheduler reports live once its start-up repair is done (spec 05 §3.3).
      expect(Object.keys(res.body.subsystems)).toEqual(['scheduler']);
    });

    it('reports each subsystem that has ticked, with its age in seconds', async () => {
      await app
        .get(BackgroundLoops)
        .runOnce({ name: 'probe', intervalMs: 60_000, tick: async () => {} });
      const earlier = new Date(Date.now() - 90_000);
      app.get(LoopLiveness).record('hibernation-monitor', earlier);

      const res = await app.http.get('/admin/liveness');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        subsystems: {
          scheduler: { last_tick_at: expect.any(String), seconds_ago: expect.any(Number) },
          probe: { last_tick_at: expect.any(String), seconds_ago: expect.any(Number) },
          'hibernation-monitor': {
            last_tick_at: earlier.toISOString(),
            seconds_ago: expect.any(Number),
          },
        },
      });
      expect(res.body.subsystems.probe.seconds_ago).toBeLessThanOrEqual(1);
      expect(res.body.subsystems['hibernation-monitor'].seconds_ago).toBeGreaterThanOrEqual(90);
      expect(res.body.subsystems['hibernation-monitor'].seconds_ago).toBeLessThan(95);
    });

    it('answers 401 without credentials once a workspace token exists', async () => {
      const workspaceToken = await insertToken(db, await insertWorkspace(db));
      const res = await app.http.get('/admin/liveness');
      expect([res.status, res.body]).toEqual([401, { error: 'admin auth required' }]);
      const forged = await app.http.get('/admin/liveness', {
        headers: { Origin: 'http://localhost:3000' },
      });
      expect([forged.status, forged.body]).toEqual([401, { error: 'admin auth required' }]);
      const garbage = await app.http.withBearer('garbage').get('/admin/liveness');
      expect([garbage.status, garbage.body]).toEqual([401, { error: 'invalid admin auth token' }]);
      expect((await app.http.withBearer(workspaceToken).get('/admin/liveness')).status).toBe(200);
    });
  });

  describe('with ADMIN_TOKEN set', () => {
    const app = useTestApp(db, { ...QUIET, ADMIN_TOKEN });

    it('accepts ADMIN_TOKEN and org tokens, refuses workspace tokens and anonymous callers', async () => {
      const workspaceToken = await insertToken(db, await insertWorkspace(db));
      const anonymous = await app.http.get('/admin/liveness');
      expect([anonymous.status, anonymous.body]).toEqual([401, { error: 'admin auth required' }]);
      const refused = await app.http.withBearer(workspaceToken).get('/admin/liveness');
      expect([refused.status, refused.body]).toEqual([401, { error: 'invalid admin auth token' }]);
      const wrong = await app.http.withBearer('not-the-admin-token').get('/admin/liveness');
      expect([wrong.status, wrong.body]).toEqual([401, { error: 'invalid admin auth token' }]);

      const admin = await app.http.withBearer(ADMIN_TOKEN).get('/admin/liveness');
      expect(admin.status).toBe(200);
      expect(Object.keys(admin.body.subsystems)).toEqual(['scheduler']);
      const org = await app.http.withBearer(await insertOrgToken(db)).get('/admin/liveness');
      expect(org.status).toBe(200);
    });
  });

  describe('with ADMIN_TOKEN set on a fresh install', () => {
    const app = useTestApp(db, { ...QUIET, ADMIN_TOKEN });

    beforeAll(() => db.query('DELETE FROM workspace_auth_tokens'));

    it('fails closed', async () => {
      const res = await app.http.get('/admin/liveness');
      expect([res.status, res.body]).toEqual([401, { error: 'admin auth required' }]);
    });
  });

  describe("subsystem names (the reference's where it ran the loop)", () => {
    const app = useTestApp(db, { ADMIN_TOKEN, LIVENESS_SWEEP_INTERVAL_SECONDS: '1' });

    it('the liveness sweep reports as liveness-monitor; every name comes from LoopNames', async () => {
      const subsystems = await eventually(async () => {
        const res = await app.http.withBearer(ADMIN_TOKEN).get('/admin/liveness');
        return 'liveness-monitor' in res.body.subsystems ? res.body.subsystems : undefined;
      }, 'a liveness-monitor tick');
      const known: string[] = Object.values(LoopNames);
      expect(Object.keys(subsystems).filter((name) => !known.includes(name))).toEqual([]);
    });
  });

  describe('in dev mode (MOLECULE_ENV=development, no ADMIN_TOKEN)', () => {
    const app = useTestApp(db, { MOLECULE_ENV: 'development' });

    it('lets anonymous callers through even with live tokens', async () => {
      await insertToken(db, await insertWorkspace(db));
      expect((await app.http.get('/admin/liveness')).status).toBe(200);
    });
  });
});
