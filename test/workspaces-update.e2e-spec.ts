import { randomUUID } from 'node:crypto';
import { insertOrgToken, insertToken, insertWorkspace } from './support/factories';
import { HttpClient } from './support/http-client';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'workspaces-update-admin-token';

interface Snapshot {
  workspace: Record<string, unknown>;
  layout: Record<string, unknown>[];
}

/** Everything a PATCH may touch, to prove a refused one wrote nothing. */
async function snapshot(db: TestDatabase, id: string): Promise<Snapshot> {
  const [workspace] = await db.query(
    `SELECT name, role, tier, runtime, parent_id, workspace_dir, budget_limit, max_concurrent_tasks,
            workspace_access, hibernation_idle_minutes, updated_at
       FROM workspaces WHERE id = $1`,
    [id],
  );
  const layout = await db.query(
    'SELECT x, y, collapsed FROM canvas_layouts WHERE workspace_id = $1',
    [id],
  );
  return { workspace, layout };
}

async function eventCount(db: TestDatabase): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM structure_events'))[0].n;
}

describe('PATCH /workspaces/:id', () => {
  const db = useTestDatabase();

  describe('with ADMIN_TOKEN', () => {
    const app = useTestApp(db, { ADMIN_TOKEN });
    const admin = () => app.http.withBearer(ADMIN_TOKEN);
    const patch = (id: string, body: unknown, client: HttpClient = admin()) =>
      client.patch(`/workspaces/${id}`, body);

    /** The PATCH must fail with exactly this answer and leave the workspace untouched. */
    async function expectRefused(id: string, body: unknown, status: number, error: string) {
      const before = await snapshot(db, id);
      const res = await patch(id, body);
      expect([res.status, res.body]).toEqual([status, { error }]);
      expect(await snapshot(db, id)).toEqual(before);
    }

    describe('applying keys', () => {
      it('updates name, role and tier together, bumps updated_at and emits no event', async () => {
        const id = await insertWorkspace(db, { name: 'Old', role: 'old', tier: 1 });
        await db.query(
          `UPDATE workspaces SET updated_at = now() - interval '1 hour' WHERE id = $1`,
          [id],
        );
        const before = await snapshot(db, id);
        const events = await eventCount(db);
        const res = await patch(id, { name: 'New', role: 'Researcher', tier: 4 });
        expect([res.status, res.body]).toEqual([200, { status: 'updated' }]);
        const after = await snapshot(db, id);
        expect(after.workspace).toMatchObject({ name: 'New', role: 'Researcher', tier: 4 });
        expect(after.workspace.updated_at).not.toEqual(before.workspace.updated_at);
        expect(await eventCount(db)).toBe(events);
      });

      it('clears the role with null', async () => {
        const id = await insertWorkspace(db, { role: 'something' });
        expect((await patch(id, { role: null })).status).toBe(200);
        expect((await snapshot(db, id)).workspace.role).toBeNull();
      });

      it('updates the runtime alone', async () => {
        const id = await insertWorkspace(db, { runtime: 'langgraph' });
        expect((await patch(id, { runtime: 'claude-code' })).body).toEqual({ status: 'updated' });
        expect((await snapshot(db, id)).workspace.runtime).toBe('claude-code');
      });

      it('re-parents (any UUID spelling) and un-nests with null', async () => {
        const parent = await insertWorkspace(db);
        const id = await insertWorkspace(db);
        expect((await patch(id, { parent_id: parent.toUpperCase(), x: 5, y: 6 })).status).toBe(200);
        expect((await snapshot(db, id)).workspace.parent_id).toBe(parent);
        expect((await patch(id, { parent_id: null, x: 50, y: 60 })).status).toBe(200);
        const after = await snapshot(db, id);
        expect(after.workspace.parent_id).toBeNull();
        expect(after.layout).toEqual([{ x: 50, y: 60, collapsed: false }]);
      });

      it('sets and clears workspace_dir, flagging needs_restart', async () => {
        const id = await insertWorkspace(db);
        const set = await patch(id, { workspace_dir: '/home/me/project' });
        expect([set.status, set.body]).toEqual([200, { status: 'updated', needs_restart: true }]);
        expect((await snapshot(db, id)).workspace.workspace_dir).toBe('/home/me/project');
        const cleared = await patch(id, { workspace_dir: null });
        expect(cleared.body).toEqual({ status: 'updated', needs_restart: true });
        expect((await snapshot(db, id)).workspace.workspace_dir).toBeNull();
      });

      it('upserts the position (absolute coordinates) with x and y', async () => {
        const id = await insertWorkspace(db);
        expect((await patch(id, { x: 150, y: 250 })).status).toBe(200);
        expect((await snapshot(db, id)).layout).toEqual([{ x: 150, y: 250, collapsed: false }]);
        expect((await patch(id, { x: -1.5, y: 0.25 })).status).toBe(200);
        expect((await snapshot(db, id)).layout).toEqual([{ x: -1.5, y: 0.25, collapsed: false }]);
      });

      it('ignores a lone x or y', async () => {
        const id = await insertWorkspace(db);
        await patch(id, { x: 10, y: 20 });
        for (const body of [{ x: 99 }, { y: 99 }, { x: 'not-a-number' }]) {
          expect((await patch(id, body)).body).toEqual({ status: 'updated' });
        }
        expect((await snapshot(db, id)).layout).toEqual([{ x: 10, y: 20, collapsed: false }]);
      });

      it('upserts collapsed without touching the position or updated_at', async () => {
        const id = await insertWorkspace(db);
        await patch(id, { x: 7, y: 8 });
        const before = await snapshot(db, id);
        expect((await patch(id, { collapsed: true })).status).toBe(200);
        const after = await snapshot(db, id);
        expect(after.layout).toEqual([{ x: 7, y: 8, collapsed: true }]);
        expect(after.workspace.updated_at).toEqual(before.workspace.updated_at);

        const fresh = await insertWorkspace(db);
        expect((await patch(fresh, { collapsed: true })).status).toBe(200);
        expect((await snapshot(db, fresh)).layout).toEqual([{ x: 0, y: 0, collapsed: true }]);
      });

      it('ignores budget_limit, alone or with other keys', async () => {
        const id = await insertWorkspace(db, { name: 'Budgeted', budget_limit: 100 });
        const before = await snapshot(db, id);
        expect((await patch(id, { budget_limit: 999 })).body).toEqual({ status: 'updated' });
        expect(await snapshot(db, id)).toEqual(before);
        expect((await patch(id, { budget_limit: null, name: 'Renamed' })).status).toBe(200);
        expect((await snapshot(db, id)).workspace).toMatchObject({
          name: 'Renamed',
          budget_limit: '100',
        });
      });

      it('ignores keys it does not update', async () => {
        const id = await insertWorkspace(db);
        const before = await snapshot(db, id);
        const res = await patch(id, {
          model: 'gpt',
          max_concurrent_tasks: 9,
          workspace_access: 'read_write',
          hibernation_idle_minutes: 5,
          status: 'paused',
          id: randomUUID(),
        });
        expect(res.body).toEqual({ status: 'updated' });
        expect(await snapshot(db, id)).toEqual(before);
      });

      it('answers {} with updated and changes nothing', async () => {
        const id = await insertWorkspace(db);
        const before = await snapshot(db, id);
        expect((await patch(id, {})).body).toEqual({ status: 'updated' });
        expect(await snapshot(db, id)).toEqual(before);
      });

      it('still applies to a removed workspace (the row exists)', async () => {
        const id = await insertWorkspace(db, { status: 'removed' });
        expect((await patch(id, { name: 'Ghost' })).status).toBe(200);
        expect((await snapshot(db, id)).workspace.name).toBe('Ghost');
      });
    });

    describe('refusals (400, nothing written)', () => {
      let id: string;
      beforeAll(async () => {
        id = await insertWorkspace(db, { name: 'Target', role: 'r', tier: 2 });
        await patch(id, { x: 1, y: 2 });
      });

      it.each([
        ['a newline in name', { name: 'a\nb' }, 'name must not contain newline characters'],
        ['a CR in role', { role: 'a\rb' }, 'role must not contain newline characters'],
        ['a newline in runtime', { runtime: 'x\n' }, 'runtime must not contain newline characters'],
        ['"{" in name', { name: '{x}' }, 'name contains invalid characters'],
        ['"!" in role', { role: 'hey!' }, 'role contains invalid characters'],
        ['"|" in role', { role: 'a|b' }, 'role contains invalid characters'],
        ['a 256-byte name', { name: 'n'.repeat(256) }, 'name must be at most 255 characters'],
        [
          'a 128-character, 256-byte name',
          { name: 'é'.repeat(128) },
          'name must be at most 255 characters',
        ],
        ['a 1001-byte role', { role: 'r'.repeat(1001) }, 'role must be at most 1000 characters'],
        [
          'a 101-byte runtime',
          { runtime: 'r'.repeat(101) },
          'runtime must be at most 100 characters',
        ],
        [
          'a 26-emoji (104-byte) runtime',
          { runtime: '😀'.repeat(26) },
          'runtime must be at most 100 characters',
        ],
        ['an empty name', { name: '' }, 'name must be a non-empty string'],
        ['a null name', { name: null }, 'name must be a non-empty string'],
        ['a numeric name', { name: 5 }, 'name must be a non-empty string'],
        ['a numeric role', { role: 5 }, 'role must be a string or null'],
        ['a string tier', { tier: '3' }, 'tier must be an integer'],
        ['a fractional tier', { tier: 2.5 }, 'tier must be an integer'],
        ['a null tier', { tier: null }, 'tier must be an integer'],
        ['a tier beyond a 32-bit integer', { tier: 2 ** 31 }, 'tier must be an integer'],
        ['a null runtime', { runtime: null }, 'runtime must be a string'],
        ['a numeric parent_id', { parent_id: 7 }, 'parent_id must be a workspace ID or null'],
        [
          'a malformed parent_id',
          { parent_id: 'parent' },
          'parent_id must be a workspace ID or null',
        ],
        ['a numeric workspace_dir', { workspace_dir: 1 }, 'workspace_dir must be a string or null'],
        ['a relative workspace_dir', { workspace_dir: 'rel/dir' }, 'invalid workspace directory'],
        ['a system workspace_dir', { workspace_dir: '/etc/app' }, 'invalid workspace directory'],
        [
          'a traversing workspace_dir',
          { workspace_dir: '/home/../usr' },
          'invalid workspace directory',
        ],
        ['a string collapsed', { collapsed: 'true' }, 'collapsed must be a boolean'],
        ['a string x', { x: '1', y: 2 }, 'x and y must be numbers'],
        ['a null y', { x: 1, y: null }, 'x and y must be numbers'],
      ])('refuses %s', async (_label, body, error) => {
        await expectRefused(id, body, 400, error);
      });

      it('writes none of the valid keys when another key is bad', async () => {
        await expectRefused(
          id,
          { name: 'Renamed', role: 'new', x: 9, y: 9, tier: 'high' },
          400,
          'tier must be an integer',
        );
        await expectRefused(
          id,
          { collapsed: true, name: 'Renamed', parent_id: randomUUID() },
          400,
          'parent workspace not found',
        );
      });

      it.each([
        ['malformed JSON', '{"name": '],
        ['an empty body', ''],
        ['a JSON array', '[{"name": "x"}]'],
        ['JSON null', 'null'],
        ['a JSON number', '42'],
      ])('refuses %s with "invalid request body"', async (_label, body) => {
        await expectRefused(id, body, 400, 'invalid request body');
      });
    });

    describe('the hierarchy', () => {
      it('refuses an unknown parent', async () => {
        const id = await insertWorkspace(db);
        await expectRefused(id, { parent_id: randomUUID() }, 400, 'parent workspace not found');
      });

      it('refuses the workspace as its own parent, in any spelling', async () => {
        const id = await insertWorkspace(db);
        await expectRefused(id, { parent_id: id }, 400, 'a workspace cannot be its own parent');
        await expectRefused(
          id,
          { parent_id: id.toUpperCase() },
          400,
          'a workspace cannot be its own parent',
        );
      });

      it('refuses a child or a deeper descendant (removed ones included) as the new parent', async () => {
        const root = await insertWorkspace(db);
        const child = await insertWorkspace(db, { parent_id: root });
        const grandchild = await insertWorkspace(db, { parent_id: child, status: 'removed' });
        for (const descendant of [child, grandchild]) {
          await expectRefused(
            root,
            { parent_id: descendant },
            400,
            'parent_id would create a cycle',
          );
        }
        // Moving a subtree elsewhere is fine.
        const other = await insertWorkspace(db);
        expect((await patch(child, { parent_id: other })).status).toBe(200);
      });

      it('detects a cycle however deep the tree is', async () => {
        const root = await insertWorkspace(db);
        let leaf = root;
        for (let depth = 0; depth < 40; depth++)
          leaf = await insertWorkspace(db, { parent_id: leaf });
        await expectRefused(root, { parent_id: leaf }, 400, 'parent_id would create a cycle');
      });
    });

    describe('ids and existence', () => {
      it('404s an unknown workspace without writing anything', async () => {
        const id = randomUUID();
        const res = await patch(id, { name: 'x', x: 1, y: 1 });
        expect([res.status, res.body]).toEqual([404, { error: 'workspace not found' }]);
        expect(
          await db.query('SELECT 1 FROM canvas_layouts WHERE workspace_id = $1', [id]),
        ).toEqual([]);
      });

      it.each(['not-a-uuid', '..%2F..%2Fetc', '3c6d1f0e-2b9a-4c47-9e55-0b8f2f7d1a1'])(
        'answers 400 for the id %s',
        async (id) => {
          const res = await patch(id, { name: 'x' });
          expect([res.status, res.body]).toEqual([400, { error: 'invalid workspace ID' }]);
        },
      );
    });

    describe('auth (WorkspaceAuth)', () => {
      it('accepts the workspace’s own token, ADMIN_TOKEN and an org token', async () => {
        const id = await insertWorkspace(db);
        const own = app.http.withBearer(await insertToken(db, id));
        expect((await patch(id, { name: 'own' }, own)).status).toBe(200);
        expect((await patch(id, { name: 'admin' }, admin())).status).toBe(200);
        const org = app.http.withBearer(await insertOrgToken(db));
        expect((await patch(id, { name: 'org' }, org)).status).toBe(200);
        expect((await snapshot(db, id)).workspace.name).toBe('org');
      });

      it('refuses no bearer, a foreign token, a revoked token and garbage', async () => {
        const id = await insertWorkspace(db, { name: 'Guarded' });
        const other = await insertWorkspace(db);
        const foreign = await insertToken(db, other);
        const revoked = await insertToken(db, id);
        await db.query(
          'UPDATE workspace_auth_tokens SET revoked_at = now() WHERE workspace_id = $1',
          [id],
        );
        const cases: [HttpClient, string][] = [
          [app.http, 'missing workspace auth token'],
          [app.http.withBearer(foreign), 'invalid workspace auth token'],
          [app.http.withBearer(revoked), 'invalid workspace auth token'],
          [app.http.withBearer('garbage'), 'invalid workspace auth token'],
          [
            app.http.withHeaders({ Authorization: `bearer ${ADMIN_TOKEN}` }),
            'missing workspace auth token',
          ],
        ];
        for (const [client, error] of cases) {
          await expectRefusedWith(client, id, error);
        }
      });

      async function expectRefusedWith(client: HttpClient, id: string, error: string) {
        const before = await snapshot(db, id);
        const res = await patch(id, { name: 'Hijacked' }, client);
        expect([res.status, res.body]).toEqual([401, { error }]);
        expect(await snapshot(db, id)).toEqual(before);
      }
    });
  });

  describe('in dev mode without ADMIN_TOKEN', () => {
    const app = useTestApp(db, { MOLECULE_ENV: 'development' });

    it('lets a bearer-less request through (dev hatch)', async () => {
      const id = await insertWorkspace(db);
      expect((await app.http.patch(`/workspaces/${id}`, { name: 'dev' })).status).toBe(200);
    });
  });
});
