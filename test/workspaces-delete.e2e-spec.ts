import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock/clock';
import { ComputeBackends } from '../src/provisioner/compute-backends';
import {
  FakeControlPlane as InMemoryControlPlane,
  FakeDocker as InMemoryDocker,
} from './support/fake-compute';
import { eventually } from './support/eventually';
import { FakeClock } from './support/fake-clock';
import { insertOrgToken, insertToken, insertWorkspace } from './support/factories';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';

const ADMIN_TOKEN = 'workspaces-delete-admin-token';
const BACKEND_DETAIL = 'Error response from daemon: container is wedged (host /var/lib/docker)';
const CONFIRM_MESSAGE =
  'This workspace has sub-workspaces. Delete with ?confirm=true to cascade delete.';

/** Gives a workspace a row in every table a delete or purge touches. */
async function populate(db: TestDatabase, id: string): Promise<void> {
  await db.query('INSERT INTO canvas_layouts (workspace_id, x, y) VALUES ($1, 10, 20)', [id]);
  await insertToken(db, id);
  await db.query(
    `INSERT INTO workspace_schedules (workspace_id, name, cron_expr, prompt) VALUES ($1, 'daily', '0 9 * * *', 'hi')`,
    [id],
  );
  await db.query(
    `INSERT INTO workspace_secrets (workspace_id, key, encrypted_value) VALUES ($1, 'K', 'v')`,
    [id],
  );
  await db.query(`INSERT INTO workspace_config (workspace_id, data) VALUES ($1, '{"a": 1}')`, [id]);
  await db.query(
    `INSERT INTO activity_logs (workspace_id, activity_type) VALUES ($1, 'a2a_receive')`,
    [id],
  );
  await db.query(`INSERT INTO a2a_queue (workspace_id, body) VALUES ($1, '{}')`, [id]);
}

interface State {
  status: string;
  layouts: number;
  liveTokens: number;
  enabledSchedules: number;
  secrets: number;
  config: number;
  activity: number;
}

async function state(db: TestDatabase, id: string): Promise<State> {
  const [row] = await db.query<State>(
    `SELECT (SELECT status::text FROM workspaces WHERE id = $1) AS status,
            (SELECT count(*)::int FROM canvas_layouts WHERE workspace_id = $1) AS layouts,
            (SELECT count(*)::int FROM workspace_auth_tokens WHERE workspace_id = $1 AND revoked_at IS NULL) AS "liveTokens",
            (SELECT count(*)::int FROM workspace_schedules WHERE workspace_id = $1 AND enabled) AS "enabledSchedules",
            (SELECT count(*)::int FROM workspace_secrets WHERE workspace_id = $1) AS secrets,
            (SELECT count(*)::int FROM workspace_config WHERE workspace_id = $1) AS config,
            (SELECT count(*)::int FROM activity_logs WHERE workspace_id = $1) AS activity`,
    [id],
  );
  return row;
}

const LIVE: Omit<State, 'status'> = {
  layouts: 1,
  liveTokens: 1,
  enabledSchedules: 1,
  secrets: 1,
  config: 1,
  activity: 1,
};
const SOFT_DELETED: State = {
  ...LIVE,
  status: 'removed',
  layouts: 0,
  liveTokens: 0,
  enabledSchedules: 0,
};

async function removedEvents(db: TestDatabase, id: string): Promise<unknown[]> {
  const rows = await db.query<{ payload: unknown }>(
    `SELECT payload FROM structure_events WHERE workspace_id = $1 AND event_type = 'WORKSPACE_REMOVED'
      ORDER BY created_at`,
    [id],
  );
  return rows.map((r) => r.payload);
}

/** Per-table row counts of everything a purge deletes. */
async function purgeableRows(db: TestDatabase, ids: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of [
    'activity_logs',
    'workspace_secrets',
    'workspace_config',
    'workspace_auth_tokens',
    'workspace_schedules',
    'a2a_queue',
    'canvas_layouts',
  ]) {
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table} WHERE workspace_id = ANY($1::uuid[])`,
      [ids],
    );
    counts[table] = row.n;
  }
  const [ws] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM workspaces WHERE id = ANY($1::uuid[])',
    [ids],
  );
  counts.workspaces = ws.n;
  return counts;
}

/** A Docker stand-in: logs calls with the row status seen at the time, fails chosen stops. */
class FakeDocker extends InMemoryDocker {
  readonly failStop = new Set<string>();
  /** Stops of these ids never answer; the waiter learns when one was asked for. */
  readonly hangStop = new Set<string>();
  private readonly stopWaiters = new Map<string, () => void>();

  constructor(private readonly db: TestDatabase) {
    super();
  }

  override async stop(id: string): Promise<void> {
    const [row] = await this.db.query<{ status: string; live: number }>(
      `SELECT status::text, (SELECT count(*)::int FROM workspace_auth_tokens
                              WHERE workspace_id = $1 AND revoked_at IS NULL) AS live
         FROM workspaces WHERE id = $1`,
      [id],
    );
    this.calls.push(`stop ${id} (${row.status}, ${row.live} live tokens)`);
    this.stopWaiters.get(id)?.();
    if (this.hangStop.has(id)) return new Promise<void>(() => undefined);
    if (this.failStop.has(id)) throw new Error(BACKEND_DETAIL);
  }
  whenStopped(id: string): Promise<void> {
    return new Promise((resolve) => this.stopWaiters.set(id, resolve));
  }
  override async removeVolume(id: string): Promise<void> {
    this.calls.push(`removeVolume ${id}`);
  }
}

class FakeControlPlane extends InMemoryControlPlane {
  readonly failStop = new Set<string>();

  override async stop(id: string): Promise<void> {
    this.calls.push(`stop ${id}`);
    if (this.failStop.has(id)) throw new Error(BACKEND_DETAIL);
  }
}

describe('DELETE /workspaces/:id', () => {
  const db = useTestDatabase();

  describe('without a compute backend', () => {
    const app = useTestApp(db, { ADMIN_TOKEN });
    const admin = () => app.http.withBearer(ADMIN_TOKEN);
    let ws: TestWsClient;

    beforeAll(async () => {
      ws = await TestWsClient.connect(app.baseUrl);
    });
    afterAll(() => ws.close());

    describe('soft delete', () => {
      it('removes a leaf: status, layout, tokens, schedules — secrets and history stay', async () => {
        const id = await insertWorkspace(db);
        const bystander = await insertWorkspace(db);
        await populate(db, id);
        await populate(db, bystander);
        await db.query(
          `UPDATE workspaces SET updated_at = now() - interval '1 day' WHERE id = $1`,
          [id],
        );

        const res = await admin().delete(`/workspaces/${id}`);
        expect([res.status, res.body]).toEqual([200, { status: 'removed', cascade_deleted: 0 }]);
        expect(await state(db, id)).toEqual(SOFT_DELETED);
        expect(await state(db, bystander)).toEqual({ ...LIVE, status: 'online' });
        const [{ fresh }] = await db.query<{ fresh: boolean }>(
          `SELECT updated_at > now() - interval '1 minute' AS fresh FROM workspaces WHERE id = $1`,
          [id],
        );
        expect(fresh).toBe(true);
        expect(await removedEvents(db, id)).toEqual([{ cascade_deleted: 0 }]);
        expect((await ws.nextEvent('WORKSPACE_REMOVED', id)).payload).toEqual({
          cascade_deleted: 0,
        });
      });

      it('asks for confirmation before removing a workspace with live children', async () => {
        const root = await insertWorkspace(db, { name: 'Root' });
        const a = await insertWorkspace(db, { name: 'Child A', parent_id: root });
        const b = await insertWorkspace(db, { name: 'Child B', parent_id: root });
        await insertWorkspace(db, { name: 'Gone', parent_id: root, status: 'removed' });
        for (const id of [root, a, b]) await populate(db, id);

        for (const query of ['', '?confirm=TRUE', '?confirm=1', '?confirm=yes', '?purge=true']) {
          const res = await admin().delete(`/workspaces/${root}${query}`);
          expect(res.status).toBe(409);
          expect(Object.keys(res.body)).toEqual([
            'status',
            'message',
            'children',
            'children_count',
          ]);
          expect(res.body).toEqual({
            status: 'confirmation_required',
            message: CONFIRM_MESSAGE,
            children: expect.any(Array),
            children_count: 2,
          });
          const children = [...res.body.children].sort((x, y) => x.name.localeCompare(y.name));
          expect(children).toEqual([
            { id: a, name: 'Child A' },
            { id: b, name: 'Child B' },
          ]);
        }
        for (const id of [root, a, b]) {
          expect(await state(db, id)).toEqual({ ...LIVE, status: 'online' });
          expect(await removedEvents(db, id)).toEqual([]);
        }
      });

      it('needs no confirmation when every child is already removed', async () => {
        const root = await insertWorkspace(db);
        await insertWorkspace(db, { parent_id: root, status: 'removed' });
        const res = await admin().delete(`/workspaces/${root}`);
        expect([res.status, res.body]).toEqual([200, { status: 'removed', cascade_deleted: 0 }]);
      });

      it('cascades with ?confirm=true through every live descendant, root last', async () => {
        const root = await insertWorkspace(db);
        const a = await insertWorkspace(db, { parent_id: root });
        const b = await insertWorkspace(db, { parent_id: root });
        const a1 = await insertWorkspace(db, { parent_id: a });
        const a1x = await insertWorkspace(db, { parent_id: a1 });
        const removedChild = await insertWorkspace(db, { parent_id: b, status: 'removed' });
        const underRemoved = await insertWorkspace(db, { parent_id: removedChild });
        const bystander = await insertWorkspace(db);
        const descendants = [a, b, a1, a1x];
        for (const id of [root, ...descendants, underRemoved, bystander]) await populate(db, id);

        const res = await admin().delete(`/workspaces/${root}?confirm=true`);
        expect([res.status, res.body]).toEqual([200, { status: 'removed', cascade_deleted: 4 }]);

        for (const id of [root, ...descendants]) expect(await state(db, id)).toEqual(SOFT_DELETED);
        // Below an already-removed child the tree is not walked; unrelated rows are untouched.
        for (const id of [underRemoved, bystander]) {
          expect(await state(db, id)).toEqual({ ...LIVE, status: 'online' });
        }
        for (const id of descendants) expect(await removedEvents(db, id)).toEqual([{}]);
        expect(await removedEvents(db, root)).toEqual([{ cascade_deleted: 4 }]);
        expect(await removedEvents(db, removedChild)).toEqual([]);

        await ws.nextEvent('WORKSPACE_REMOVED', root);
        const frames = ws.frames.filter(
          (f) => f.event === 'WORKSPACE_REMOVED' && [root, ...descendants].includes(f.workspace_id),
        );
        expect(frames.map((f) => f.workspace_id).sort()).toEqual([root, ...descendants].sort());
        expect(frames[frames.length - 1]).toMatchObject({
          workspace_id: root,
          payload: { cascade_deleted: 4 },
        });
        for (const frame of frames.slice(0, -1)) expect(frame.payload).toEqual({});
      });

      it('404s an unknown workspace without any event', async () => {
        const id = randomUUID();
        const res = await admin().delete(`/workspaces/${id}`);
        expect([res.status, res.body]).toEqual([404, { error: 'workspace not found' }]);
        expect(await removedEvents(db, id)).toEqual([]);
      });

      it('answers an already-removed workspace with removed again (safe retry)', async () => {
        const id = await insertWorkspace(db, { status: 'removed' });
        const res = await admin().delete(`/workspaces/${id}`);
        expect([res.status, res.body]).toEqual([200, { status: 'removed', cascade_deleted: 0 }]);
        const again = await admin().delete(`/workspaces/${id}`);
        expect([again.status, again.body]).toEqual([
          200,
          { status: 'removed', cascade_deleted: 0 },
        ]);
      });

      it.each(['not-a-uuid', '..%2F..%2Fetc', '3c6d1f0e-2b9a-4c47-9e55-0b8f2f7d1a1'])(
        'answers 400 for the id %s',
        async (id) => {
          const res = await admin().delete(`/workspaces/${id}`);
          expect([res.status, res.body]).toEqual([400, { error: 'invalid workspace ID' }]);
        },
      );

      it('accepts a non-canonical UUID spelling', async () => {
        const id = await insertWorkspace(db);
        const res = await admin().delete(`/workspaces/${id.toUpperCase()}`);
        expect(res.status).toBe(200);
        expect((await state(db, id)).status).toBe('removed');
      });
    });

    describe('auth (AdminAuth)', () => {
      it('refuses no bearer and the workspace’s own token; accepts an org token', async () => {
        const id = await insertWorkspace(db);
        const own = await insertToken(db, id);
        const anonymous = await app.http.delete(`/workspaces/${id}`);
        expect([anonymous.status, anonymous.body]).toEqual([401, { error: 'admin auth required' }]);
        const self = await app.http.withBearer(own).delete(`/workspaces/${id}`);
        expect([self.status, self.body]).toEqual([401, { error: 'invalid admin auth token' }]);
        expect((await state(db, id)).status).toBe('online');
        const org = app.http.withBearer(await insertOrgToken(db));
        expect((await org.delete(`/workspaces/${id}`)).status).toBe(200);
      });
    });

    describe('purge (?purge=true)', () => {
      it('hard-deletes every row of the workspace but keeps its event history', async () => {
        const id = await insertWorkspace(db);
        await populate(db, id);
        const pointing = await insertWorkspace(db);
        await db.query('UPDATE workspaces SET forwarded_to = $2 WHERE id = $1', [pointing, id]);
        const oldChild = await insertWorkspace(db, { parent_id: id, status: 'removed' });
        await db.query(
          `INSERT INTO org_api_tokens (token_hash, prefix, org_id) VALUES ('\\x01', 'p', $1)`,
          [id],
        );
        await db.query(
          `INSERT INTO structure_events (event_type, workspace_id, payload) VALUES ('WORKSPACE_ONLINE', $1, '{}')`,
          [id],
        );

        const res = await admin().delete(`/workspaces/${id}?purge=true`);
        expect([res.status, res.body]).toEqual([200, { status: 'purged', cascade_deleted: 0 }]);
        expect(Object.values(await purgeableRows(db, [id]))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
        const refs = await db.query<{
          id: string;
          parent_id: string | null;
          forwarded_to: string | null;
        }>(
          'SELECT id, parent_id, forwarded_to FROM workspaces WHERE id = ANY($1::uuid[]) ORDER BY id',
          [[pointing, oldChild]],
        );
        expect(refs.map((r) => [r.parent_id, r.forwarded_to])).toEqual([
          [null, null],
          [null, null],
        ]);
        expect(
          await db.query(`SELECT org_id FROM org_api_tokens WHERE token_hash = '\\x01'`),
        ).toEqual([{ org_id: null }]);
        const history = await db.query<{ event_type: string }>(
          'SELECT event_type FROM structure_events WHERE workspace_id = $1 ORDER BY created_at',
          [id],
        );
        expect(history.map((e) => e.event_type)).toEqual(['WORKSPACE_ONLINE', 'WORKSPACE_REMOVED']);
      });

      it('purges a whole confirmed subtree', async () => {
        const root = await insertWorkspace(db);
        const child = await insertWorkspace(db, { parent_id: root });
        const grandchild = await insertWorkspace(db, { parent_id: child });
        for (const id of [root, child, grandchild]) await populate(db, id);
        const res = await admin().delete(`/workspaces/${root}?confirm=true&purge=true`);
        expect([res.status, res.body]).toEqual([200, { status: 'purged', cascade_deleted: 2 }]);
        expect(Object.values(await purgeableRows(db, [root, child, grandchild]))).toEqual([
          0, 0, 0, 0, 0, 0, 0, 0,
        ]);
        expect(await removedEvents(db, root)).toEqual([{ cascade_deleted: 2 }]);
      });

      it('purges a workspace that was soft-deleted before', async () => {
        const id = await insertWorkspace(db);
        await populate(db, id);
        expect((await admin().delete(`/workspaces/${id}`)).status).toBe(200);
        const res = await admin().delete(`/workspaces/${id}?purge=true`);
        expect([res.status, res.body]).toEqual([200, { status: 'purged', cascade_deleted: 0 }]);
        expect((await purgeableRows(db, [id])).workspaces).toBe(0);
      });

      it('only purges on the exact string "true"', async () => {
        const id = await insertWorkspace(db);
        await populate(db, id);
        const res = await admin().delete(`/workspaces/${id}?purge=1`);
        expect(res.body).toEqual({ status: 'removed', cascade_deleted: 0 });
        expect(await state(db, id)).toEqual(SOFT_DELETED);
      });
    });
  });

  describe('with a Docker backend', () => {
    const docker = new FakeDocker(db);
    // No background retry of a failed stop during these tests: every call is the request's.
    const app = useTestApp(db, { ADMIN_TOKEN, RECONCILE_SCAN_INTERVAL_SECONDS: '3600' }, [
      { provide: ComputeBackends, useValue: new ComputeBackends(docker, null) },
    ]);
    const admin = () => app.http.withBearer(ADMIN_TOKEN);

    beforeEach(() => {
      docker.calls.length = 0;
      docker.failStop.clear();
    });

    it('marks rows removed and revokes tokens first, then stops and drops each volume', async () => {
      const root = await insertWorkspace(db);
      const child = await insertWorkspace(db, { parent_id: root });
      for (const id of [root, child]) await populate(db, id);
      const res = await admin().delete(`/workspaces/${root}?confirm=true`);
      expect([res.status, res.body]).toEqual([200, { status: 'removed', cascade_deleted: 1 }]);
      // The subtree's workspaces are removed in parallel, each stop before its volume.
      for (const id of [root, child]) {
        expect(docker.calls.filter((c) => c.includes(id))).toEqual([
          `stop ${id} (removed, 0 live tokens)`,
          `removeVolume ${id}`,
        ]);
      }
      expect(docker.calls).toHaveLength(4);
    });

    it('answers 500 with canned lines when stops fail, keeps those volumes, and still removes', async () => {
      const root = await insertWorkspace(db);
      const ok = await insertWorkspace(db, { parent_id: root });
      const stuck = await insertWorkspace(db, { parent_id: root });
      for (const id of [root, ok, stuck]) await populate(db, id);
      docker.failStop.add(stuck).add(root);

      const res = await admin().delete(`/workspaces/${root}?confirm=true`);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        error: `workspace marked removed, but 2 stop call(s) failed — please retry: stop ${stuck}: stop failed\nstop ${root}: stop failed`,
        removed_count: 3,
        stop_failures: 2,
      });
      expect(res.text).not.toContain('daemon');
      expect(docker.calls.filter((c) => c.startsWith('removeVolume'))).toEqual([
        `removeVolume ${ok}`,
      ]);
      for (const id of [root, ok, stuck]) expect(await state(db, id)).toEqual(SOFT_DELETED);
      expect(await removedEvents(db, stuck)).toEqual([{}]);
      expect(await removedEvents(db, root)).toEqual([{ cascade_deleted: 2 }]);

      // Retrying is safe: the rows are already removed and the root is stopped again.
      docker.failStop.clear();
      docker.calls.length = 0;
      const retry = await admin().delete(`/workspaces/${root}`);
      expect([retry.status, retry.body]).toEqual([200, { status: 'removed', cascade_deleted: 0 }]);
      expect(docker.calls).toEqual([
        `stop ${root} (removed, 0 live tokens)`,
        `removeVolume ${root}`,
      ]);
    });

    it('does not purge when a stop failed', async () => {
      const id = await insertWorkspace(db);
      await populate(db, id);
      docker.failStop.add(id);
      const res = await admin().delete(`/workspaces/${id}?purge=true`);
      expect(res.body).toEqual({
        error: `workspace marked removed, but 1 stop call(s) failed — please retry: stop ${id}: stop failed`,
        removed_count: 1,
        stop_failures: 1,
      });
      expect(await state(db, id)).toEqual(SOFT_DELETED);
    });
  });

  describe('with a Docker daemon that stops answering', () => {
    const clock = new FakeClock();
    const docker = new FakeDocker(db);
    const app = useTestApp(db, { ADMIN_TOKEN }, [
      { provide: Clock, useValue: clock },
      { provide: ComputeBackends, useValue: new ComputeBackends(docker, null) },
    ]);

    it('gives up on the stop after 30 s and answers the stop-failure 500', async () => {
      const id = await insertWorkspace(db);
      docker.calls.length = 0; // the orphan sweeper's pass at start listed containers
      docker.hangStop.add(id);
      const stopped = docker.whenStopped(id);
      const pending = app.http.withBearer(ADMIN_TOKEN).delete(`/workspaces/${id}`);
      await stopped;
      clock.advance(30_000);
      const res = await pending;
      expect([res.status, res.body]).toEqual([
        500,
        {
          error: `workspace marked removed, but 1 stop call(s) failed — please retry: stop ${id}: stop failed`,
          removed_count: 1,
          stop_failures: 1,
        },
      ]);
      expect(docker.calls).toEqual([`stop ${id} (removed, 0 live tokens)`]);
      expect(await removedEvents(db, id)).toEqual([{ cascade_deleted: 0 }]);
    });
  });

  describe('with a control-plane backend', () => {
    const cp = new FakeControlPlane();
    const app = useTestApp(db, { ADMIN_TOKEN }, [
      { provide: ComputeBackends, useValue: new ComputeBackends(null, cp) },
    ]);

    it('terminates the remote instance of every removed workspace', async () => {
      const root = await insertWorkspace(db);
      const child = await insertWorkspace(db, { parent_id: root });
      const res = await app.http.withBearer(ADMIN_TOKEN).delete(`/workspaces/${root}?confirm=true`);
      expect(res.status).toBe(200);
      expect([...cp.calls].sort()).toEqual([`stop ${child}`, `stop ${root}`].sort());
    });

    it('reports a failed termination like a failed stop', async () => {
      const id = await insertWorkspace(db);
      cp.failStop.add(id);
      const res = await app.http.withBearer(ADMIN_TOKEN).delete(`/workspaces/${id}`);
      expect([res.status, res.body]).toEqual([
        500,
        {
          error: `workspace marked removed, but 1 stop call(s) failed — please retry: stop ${id}: stop failed`,
          removed_count: 1,
          stop_failures: 1,
        },
      ]);
    });
  });
  describe('while the workspace is being provisioned', () => {
    const docker = new InMemoryDocker();
    const app = useTestApp(db, { ADMIN_TOKEN, RECONCILE_SCAN_INTERVAL_SECONDS: '3600' }, [
      { provide: ComputeBackends, useValue: new ComputeBackends(docker, null) },
    ]);

    it('waits for the provision in flight, then removes what it started: nothing comes back', async () => {
      let startEntered!: () => void;
      const entered = new Promise<void>((resolve) => (startEntered = resolve));
      let releaseStart!: () => void;
      const held = new Promise<void>((resolve) => (releaseStart = resolve));
      docker.intercept('start', async () => {
        startEntered();
        await held;
      });
      const admin = app.http.withBearer(ADMIN_TOKEN);
      const created = await admin.post('/workspaces', { name: 'Short-lived' });
      const id = created.body.id as string;
      await entered;

      let answered = false;
      const deleting = admin.delete(`/workspaces/${id}`).then((res) => {
        answered = true;
        return res;
      });
      // The removal waits for the workspace's claim: the provision holds it.
      await eventually(
        async () => ((await state(db, id)).status === 'removed' ? true : undefined),
        'the row to be marked removed',
      );
      expect(answered).toBe(false);
      releaseStart();

      const res = await deleting;
      expect([res.status, res.body]).toEqual([200, { status: 'removed', cascade_deleted: 0 }]);
      expect(docker.containers.has(id)).toBe(false);
      expect(docker.volumes.has(id)).toBe(false);
      const [row] = await db.query<{ status: string; url: string | null; live: number }>(
        `SELECT status::text, url, (SELECT count(*)::int FROM workspace_auth_tokens
                                     WHERE workspace_id = $1 AND revoked_at IS NULL) AS live
           FROM workspaces WHERE id = $1`,
        [id],
      );
      // The provision's URL and token writes were fenced out by the removal.
      expect(row).toEqual({ status: 'removed', url: '', live: 0 });
      expect(docker.calls.filter((c) => c.endsWith(id)).slice(-2)).toEqual([
        `stop ${id}`,
        `removeVolume ${id}`,
      ]);
    });
  });
});
