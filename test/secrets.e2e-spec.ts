import { randomUUID } from 'node:crypto';
import { RestartRequests } from '../src/workspaces/lifecycle/restart-requests';
import { insertToken, insertWorkspace } from './support/factories';
import { HttpClient } from './support/http-client';
import { TestApp, useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'break-glass-admin-token';
const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const PARTIAL_BUNDLE = 'one or more secrets failed to decrypt; refusing to return partial bundle';

const INVALID_ID = { error: 'invalid workspace ID' };
const INVALID_BODY = { error: 'invalid request body' };

/** Ids the strict lower-case regex refuses (an upper-case UUID included). */
const BAD_IDS = [
  ['upper-case UUID', '6F1C2A8E-3B4D-4E5F-8A9B-0C1D2E3F4A5B'],
  ['undashed hex', '6f1c2a8e3b4d4e5f8a9b0c1d2e3f4a5b'],
  ['short string', 'abc'],
  ['SQL-ish text', encodeURIComponent("1' OR '1'='1")],
];

/** Bodies every set route refuses, sent verbatim. */
const BAD_BODIES = [
  ['malformed JSON', '{"key": "K", "value": '],
  ['an empty body', ''],
  ['a JSON array', '[]'],
  ['a missing key', '{"value":"v"}'],
  ['a missing value', '{"key":"K"}'],
  ['an empty value', '{"key":"K","value":""}'],
  ['an empty key', '{"key":"","value":"v"}'],
  ['a non-string value', '{"key":"K","value":42}'],
];

interface RawSecret {
  encrypted_value: Buffer;
  encryption_version: number;
}

function rawWorkspaceSecret(db: TestDatabase, workspaceId: string, key: string) {
  return db.query<RawSecret>(
    'SELECT encrypted_value, encryption_version FROM workspace_secrets WHERE workspace_id = $1 AND key = $2',
    [workspaceId, key],
  );
}

function insertWorkspaceSecret(
  db: TestDatabase,
  workspaceId: string,
  key: string,
  bytes: Buffer,
  version: number,
) {
  return db.query(
    'INSERT INTO workspace_secrets (workspace_id, key, encrypted_value, encryption_version) VALUES ($1, $2, $3, $4)',
    [workspaceId, key, bytes, version],
  );
}

function insertGlobalSecret(db: TestDatabase, key: string, bytes: Buffer, version: number) {
  return db.query(
    'INSERT INTO global_secrets (key, encrypted_value, encryption_version) VALUES ($1, $2, $3)',
    [key, bytes, version],
  );
}

/** fetch refuses a body on GET. */
const bodyFor = (method: string, body: object) => (method === 'GET' ? undefined : body);

/** Resolves with the next restart request the app makes. */
function nextRestart(app: TestApp): Promise<{ ids: readonly string[]; reason: string }> {
  return new Promise((resolve) => {
    const off = app.get(RestartRequests).on((ids, reason) => {
      off();
      resolve({ ids, reason });
    });
  });
}

describe('secrets', () => {
  describe('with ADMIN_TOKEN and no encryption key', () => {
    const db = useTestDatabase();
    const app = useTestApp(db, { ADMIN_TOKEN });
    const admin = (): HttpClient => app.http.withBearer(ADMIN_TOKEN);

    beforeEach(async () => {
      // Globals show up in every workspace's listing and bundle: each test starts without any.
      await db.query('DELETE FROM global_secrets');
    });

    describe('workspace secrets', () => {
      it('lists nothing as []', async () => {
        const ws = await insertWorkspace(db);
        const res = await admin().get(`/workspaces/${ws}/secrets`);
        expect(res.status).toBe(200);
        expect(res.text).toBe('[]');
      });

      it('saves via PUT (the canvas) and POST (scripts) with 200', async () => {
        const ws = await insertWorkspace(db);

        const put = await admin().put(`/workspaces/${ws}/secrets`, { key: 'A', value: '1' });
        const post = await admin().post(`/workspaces/${ws}/secrets`, { key: 'B', value: '2' });

        expect([put.status, put.body]).toEqual([200, { status: 'saved', key: 'A' }]);
        expect([post.status, post.body]).toEqual([200, { status: 'saved', key: 'B' }]);
        const rows = await db.query(
          'SELECT key, encryption_version FROM workspace_secrets WHERE workspace_id = $1 ORDER BY key',
          [ws],
        );
        expect(rows).toEqual([
          { key: 'A', encryption_version: 0 },
          { key: 'B', encryption_version: 0 },
        ]);
      });

      it('lists own keys by key, then the globals not overridden, never the values', async () => {
        const ws = await insertWorkspace(db);
        for (const key of ['ZETA', 'SHARED']) {
          await admin().put(`/workspaces/${ws}/secrets`, { key, value: `own-${key}` });
        }
        for (const key of ['SHARED', 'BETA', 'ALPHA']) {
          await admin().put('/settings/secrets', { key, value: `global-${key}` });
        }

        const res = await admin().get(`/workspaces/${ws}/secrets`);

        expect(res.status).toBe(200);
        expect(res.body.map((i: any) => `${i.scope}:${i.key}`)).toEqual([
          'workspace:SHARED',
          'workspace:ZETA',
          'global:ALPHA',
          'global:BETA',
        ]);
        for (const item of res.body) {
          expect(Object.keys(item).sort()).toEqual([
            'created_at',
            'has_value',
            'key',
            'scope',
            'updated_at',
          ]);
          expect(item.has_value).toBe(true);
          expect(item.created_at).toMatch(RFC3339);
          expect(item.updated_at).toMatch(RFC3339);
        }
        expect(res.text).not.toContain('own-');
        expect(res.text).not.toContain('global-');
      });

      it('re-saving a key replaces its value and bumps updated_at', async () => {
        const ws = await insertWorkspace(db);
        await admin().put(`/workspaces/${ws}/secrets`, { key: 'K', value: 'first' });
        const [before] = (await admin().get(`/workspaces/${ws}/secrets`)).body;

        await admin().put(`/workspaces/${ws}/secrets`, { key: 'K', value: 'second' });

        const [after] = (await admin().get(`/workspaces/${ws}/secrets`)).body;
        expect(after.created_at).toBe(before.created_at);
        expect(Date.parse(after.updated_at)).toBeGreaterThanOrEqual(Date.parse(before.updated_at));
        expect((await admin().get(`/workspaces/${ws}/secrets/values`)).body).toEqual({
          K: 'second',
        });
      });

      it('answers 404 workspace not found for an unknown workspace and writes nothing', async () => {
        const unknown = randomUUID();

        const res = await admin().put(`/workspaces/${unknown}/secrets`, { key: 'K', value: 'v' });

        expect([res.status, res.body]).toEqual([404, { error: 'workspace not found' }]);
        const rows = await db.query('SELECT 1 FROM workspace_secrets WHERE workspace_id = $1', [
          unknown,
        ]);
        expect(rows).toHaveLength(0);
      });

      it('deletes a key, then answers 404 secret not found', async () => {
        const ws = await insertWorkspace(db);
        await admin().put(`/workspaces/${ws}/secrets`, { key: 'K', value: 'v' });

        const first = await admin().delete(`/workspaces/${ws}/secrets/K`);
        const second = await admin().delete(`/workspaces/${ws}/secrets/K`);

        expect([first.status, first.body]).toEqual([200, { status: 'deleted', key: 'K' }]);
        expect([second.status, second.body]).toEqual([404, { error: 'secret not found' }]);
      });

      it('takes free-form keys, URL-decoded from the path', async () => {
        const ws = await insertWorkspace(db);
        const key = 'SLACK WEBHOOK/primary?x=1&y=%';
        await admin().put(`/workspaces/${ws}/secrets`, { key, value: 'v' });
        expect((await admin().get(`/workspaces/${ws}/secrets`)).body[0].key).toBe(key);

        const res = await admin().delete(`/workspaces/${ws}/secrets/${encodeURIComponent(key)}`);

        expect([res.status, res.body]).toEqual([200, { status: 'deleted', key }]);
        expect(await rawWorkspaceSecret(db, ws, key)).toHaveLength(0);
      });

      it.each(BAD_IDS)('answers 400 for an id that is an %s', async (_label, id) => {
        const routes: Array<Promise<{ status: number; body: unknown }>> = [
          admin().get(`/workspaces/${id}/secrets`),
          admin().post(`/workspaces/${id}/secrets`, { key: 'K', value: 'v' }),
          admin().put(`/workspaces/${id}/secrets`, { key: 'K', value: 'v' }),
          admin().delete(`/workspaces/${id}/secrets/K`),
          admin().get(`/workspaces/${id}/secrets/values`),
          admin().put(`/workspaces/${id}/model`, { model: 'm' }),
        ];
        for (const res of await Promise.all(routes)) {
          expect([res.status, res.body]).toEqual([400, INVALID_ID]);
        }
      });

      it.each(BAD_BODIES)('answers 400 invalid request body for %s', async (_label, body) => {
        const ws = await insertWorkspace(db);
        const headers = { headers: { 'Content-Type': 'application/json' } };

        const post = await admin().post(`/workspaces/${ws}/secrets`, body, headers);
        const put = await admin().put(`/workspaces/${ws}/secrets`, body, headers);

        expect([post.status, post.body]).toEqual([400, INVALID_BODY]);
        expect([put.status, put.body]).toEqual([400, INVALID_BODY]);
        expect(
          await db.query('SELECT 1 FROM workspace_secrets WHERE workspace_id = $1', [ws]),
        ).toHaveLength(0);
      });
    });

    describe('GET /workspaces/:id/secrets/values', () => {
      it('returns the merged plaintext map, the workspace winning', async () => {
        const ws = await insertWorkspace(db);
        await admin().put('/settings/secrets', { key: 'SHARED', value: 'from-global' });
        await admin().put('/settings/secrets', { key: 'ONLY_GLOBAL', value: 'g' });
        await admin().put(`/workspaces/${ws}/secrets`, { key: 'SHARED', value: 'from-ws' });

        const res = await admin().get(`/workspaces/${ws}/secrets/values`);

        expect([res.status, res.body]).toEqual([200, { ONLY_GLOBAL: 'g', SHARED: 'from-ws' }]);
      });

      it('returns {} when nothing is set', async () => {
        const ws = await insertWorkspace(db);
        const res = await admin().get(`/workspaces/${ws}/secrets/values`);
        expect([res.status, res.text]).toEqual([200, '{}']);
      });

      it("needs the workspace's own bearer once it has a live token", async () => {
        const ws = await insertWorkspace(db);
        const other = await insertWorkspace(db);
        await admin().put(`/workspaces/${ws}/secrets`, { key: 'K', value: 'v' });
        const token = await insertToken(db, ws);
        const otherToken = await insertToken(db, other);
        const path = `/workspaces/${ws}/secrets/values`;

        const own = await app.http.withBearer(token).get(path);
        const byAdmin = await admin().get(path);
        const byOther = await app.http.withBearer(otherToken).get(path);
        const anonymous = await app.http.get(path);

        expect([own.status, own.body]).toEqual([200, { K: 'v' }]);
        // Reference quirk kept: ADMIN_TOKEN passes WorkspaceAuth but not the in-handler check.
        expect([byAdmin.status, byAdmin.body]).toEqual([
          401,
          { error: 'invalid workspace auth token' },
        ]);
        expect([byOther.status, byOther.body]).toEqual([
          401,
          { error: 'invalid workspace auth token' },
        ]);
        expect([anonymous.status, anonymous.body]).toEqual([
          401,
          { error: 'missing workspace auth token' },
        ]);
      });

      it('lets the admin bearer through again once the tokens are revoked', async () => {
        const ws = await insertWorkspace(db);
        await insertToken(db, ws);
        await db.query(
          'UPDATE workspace_auth_tokens SET revoked_at = now() WHERE workspace_id = $1',
          [ws],
        );
        expect((await admin().get(`/workspaces/${ws}/secrets/values`)).status).toBe(200);
      });

      it('refuses a partial bundle and names every key that failed to decrypt', async () => {
        const ws = await insertWorkspace(db);
        await insertGlobalSecret(db, 'G_OK', Buffer.from('fine'), 0);
        // Version 1 while the app has no key, and a version nobody knows.
        await insertGlobalSecret(db, 'G_SEALED', Buffer.alloc(40, 1), 1);
        await insertWorkspaceSecret(db, ws, 'W_FUTURE', Buffer.from('x'), 7);
        await insertWorkspaceSecret(db, ws, 'W_OK', Buffer.from('fine'), 0);

        const res = await admin().get(`/workspaces/${ws}/secrets/values`);

        expect(res.status).toBe(500);
        expect(res.body).toEqual({
          error: PARTIAL_BUNDLE,
          failed_keys: ['global:G_SEALED', 'workspace:W_FUTURE'],
        });
        expect(res.text).not.toContain('fine');
      });
    });

    describe('model override', () => {
      it('is the default until set, then served from workspace_secrets', async () => {
        const ws = await insertWorkspace(db);

        const initial = await admin().get(`/workspaces/${ws}/model`);
        const saved = await admin().put(`/workspaces/${ws}/model`, { model: 'anthropic:opus' });
        const current = await admin().get(`/workspaces/${ws}/model`);

        expect([initial.status, initial.body]).toEqual([200, { model: '', source: 'default' }]);
        expect([saved.status, saved.body]).toEqual([
          200,
          { status: 'saved', model: 'anthropic:opus' },
        ]);
        expect([current.status, current.body]).toEqual([
          200,
          { model: 'anthropic:opus', source: 'workspace_secrets' },
        ]);
        const listed = (await admin().get(`/workspaces/${ws}/secrets`)).body;
        expect(listed.map((i: any) => `${i.scope}:${i.key}`)).toEqual(['workspace:MODEL_PROVIDER']);
        expect((await admin().get(`/workspaces/${ws}/secrets/values`)).body).toEqual({
          MODEL_PROVIDER: 'anthropic:opus',
        });
      });

      it.each([
        ['an empty model', { model: '' }],
        ['a null model', { model: null }],
        ['no model field', {}],
      ])('clears the override for %s', async (_label, body) => {
        const ws = await insertWorkspace(db);
        await admin().put(`/workspaces/${ws}/model`, { model: 'm' });

        const res = await admin().put(`/workspaces/${ws}/model`, body);

        expect([res.status, res.body]).toEqual([200, { status: 'cleared' }]);
        expect((await admin().get(`/workspaces/${ws}/model`)).body).toEqual({
          model: '',
          source: 'default',
        });
      });

      it.each([
        ['no body', undefined],
        ['malformed JSON', '{"model":'],
        ['a non-string model', '{"model":7}'],
      ])('answers 400 invalid request body for %s', async (_label, body) => {
        const ws = await insertWorkspace(db);
        const res = await admin().put(`/workspaces/${ws}/model`, body);
        expect([res.status, res.body]).toEqual([400, INVALID_BODY]);
      });

      it('answers 404 workspace not found when saving for an unknown workspace', async () => {
        const res = await admin().put(`/workspaces/${randomUUID()}/model`, { model: 'm' });
        expect([res.status, res.body]).toEqual([404, { error: 'workspace not found' }]);
      });

      it('GET accepts any UUID spelling but answers 400 for a non-UUID', async () => {
        const ws = await insertWorkspace(db);
        await admin().put(`/workspaces/${ws}/model`, { model: 'm' });

        const upper = await admin().get(`/workspaces/${ws.toUpperCase()}/model`);
        const garbage = await admin().get('/workspaces/not-a-uuid/model');

        expect([upper.status, upper.body]).toEqual([
          200,
          { model: 'm', source: 'workspace_secrets' },
        ]);
        expect([garbage.status, garbage.body]).toEqual([400, INVALID_ID]);
      });

      it('answers 500 failed to decrypt for an unreadable override', async () => {
        const ws = await insertWorkspace(db);
        await insertWorkspaceSecret(db, ws, 'MODEL_PROVIDER', Buffer.alloc(40), 1);

        const res = await admin().get(`/workspaces/${ws}/model`);

        expect([res.status, res.body]).toEqual([500, { error: 'failed to decrypt' }]);
      });
    });

    describe('global secrets', () => {
      it('lists by key with scope global and never the values', async () => {
        await admin().put('/settings/secrets', { key: 'B_KEY', value: 'b-value' });
        await admin().post('/settings/secrets', { key: 'A_KEY', value: 'a-value' });

        for (const path of ['/settings/secrets', '/admin/secrets']) {
          const res = await admin().get(path);
          expect(res.status).toBe(200);
          expect(res.body.map((i: any) => [i.key, i.scope, i.has_value])).toEqual([
            ['A_KEY', 'global', true],
            ['B_KEY', 'global', true],
          ]);
          expect(res.body[0].created_at).toMatch(RFC3339);
          expect(res.body[0].updated_at).toMatch(RFC3339);
          expect(res.text).not.toContain('-value');
        }
      });

      it('lists nothing as []', async () => {
        const res = await admin().get('/settings/secrets');
        expect([res.status, res.text]).toEqual([200, '[]']);
      });

      it.each([
        ['PUT', '/settings/secrets'],
        ['POST', '/settings/secrets'],
        ['POST', '/admin/secrets'],
      ])('%s %s saves with 200', async (method, path) => {
        const res = await admin().request(method, path, { body: { key: 'K', value: 'v' } });
        expect([res.status, res.body]).toEqual([
          200,
          { status: 'saved', key: 'K', scope: 'global' },
        ]);
        expect(await db.query('SELECT key FROM global_secrets')).toEqual([{ key: 'K' }]);
      });

      it('has no PUT /admin/secrets', async () => {
        const res = await admin().put('/admin/secrets', { key: 'K', value: 'v' });
        expect(res.status).toBe(404);
        expect(await db.query('SELECT key FROM global_secrets')).toEqual([]);
      });

      it.each(['/settings/secrets', '/admin/secrets'])(
        'DELETE %s/:key deletes, then answers 404 secret not found',
        async (base) => {
          const key = 'TEAM TOKEN/ci';
          await admin().put('/settings/secrets', { key, value: 'v' });
          const path = `${base}/${encodeURIComponent(key)}`;

          const first = await admin().delete(path);
          const second = await admin().delete(path);

          expect([first.status, first.body]).toEqual([
            200,
            { status: 'deleted', key, scope: 'global' },
          ]);
          expect([second.status, second.body]).toEqual([404, { error: 'secret not found' }]);
        },
      );

      it.each(BAD_BODIES)('answers 400 invalid request body for %s', async (_label, body) => {
        const headers = { headers: { 'Content-Type': 'application/json' } };
        for (const [method, path] of [
          ['PUT', '/settings/secrets'],
          ['POST', '/settings/secrets'],
          ['POST', '/admin/secrets'],
        ]) {
          const res = await admin().request(method, path, { body, ...headers });
          expect([res.status, res.body]).toEqual([400, INVALID_BODY]);
        }
      });
    });

    describe('auth', () => {
      it('workspace routes need a bearer: 401 without one or with a foreign one', async () => {
        const ws = await insertWorkspace(db);
        const other = await insertWorkspace(db);
        const foreign = await insertToken(db, other);
        const paths = [
          ['GET', `/workspaces/${ws}/secrets`],
          ['PUT', `/workspaces/${ws}/secrets`],
          ['POST', `/workspaces/${ws}/secrets`],
          ['DELETE', `/workspaces/${ws}/secrets/K`],
          ['GET', `/workspaces/${ws}/secrets/values`],
          ['GET', `/workspaces/${ws}/model`],
          ['PUT', `/workspaces/${ws}/model`],
        ];
        for (const [method, path] of paths) {
          const body = bodyFor(method, { key: 'K', value: 'v', model: 'm' });
          const anonymous = await app.http.request(method, path, { body });
          const wrong = await app.http.withBearer(foreign).request(method, path, { body });
          expect([method, path, anonymous.status, anonymous.body]).toEqual([
            method,
            path,
            401,
            { error: 'missing workspace auth token' },
          ]);
          expect([method, path, wrong.status, wrong.body]).toEqual([
            method,
            path,
            401,
            { error: 'invalid workspace auth token' },
          ]);
        }
        expect(await rawWorkspaceSecret(db, ws, 'K')).toHaveLength(0);
      });

      it("accepts the workspace's own token on its routes", async () => {
        const ws = await insertWorkspace(db);
        const client = app.http.withBearer(await insertToken(db, ws));

        expect(
          (await client.put(`/workspaces/${ws}/secrets`, { key: 'K', value: 'v' })).status,
        ).toBe(200);
        expect((await client.get(`/workspaces/${ws}/secrets`)).status).toBe(200);
        expect((await client.put(`/workspaces/${ws}/model`, { model: 'm' })).status).toBe(200);
      });

      it('global routes need ADMIN_TOKEN: workspace tokens are not admin here', async () => {
        const ws = await insertWorkspace(db);
        const workspaceToken = await insertToken(db, ws);
        for (const [method, path] of [
          ['GET', '/settings/secrets'],
          ['PUT', '/settings/secrets'],
          ['POST', '/admin/secrets'],
          ['DELETE', '/settings/secrets/K'],
          ['GET', '/admin/secrets'],
          ['DELETE', '/admin/secrets/K'],
        ]) {
          const body = bodyFor(method, { key: 'K', value: 'v' });
          const anonymous = await app.http.request(method, path, { body });
          const wrong = await app.http.withBearer(workspaceToken).request(method, path, { body });
          expect([path, anonymous.status, anonymous.body]).toEqual([
            path,
            401,
            { error: 'admin auth required' },
          ]);
          expect([path, wrong.status, wrong.body]).toEqual([
            path,
            401,
            { error: 'invalid admin auth token' },
          ]);
        }
        expect(await db.query('SELECT key FROM global_secrets')).toEqual([]);
      });
    });

    describe('restart requests', () => {
      it('asks to restart the workspace after a secret set or delete', async () => {
        const ws = await insertWorkspace(db);

        const onSet = nextRestart(app);
        await admin().put(`/workspaces/${ws}/secrets`, { key: 'K', value: 'v' });
        expect(await onSet).toEqual({ ids: [ws], reason: 'workspace secret changed' });

        const onDelete = nextRestart(app);
        await admin().delete(`/workspaces/${ws}/secrets/K`);
        expect(await onDelete).toEqual({ ids: [ws], reason: 'workspace secret changed' });
      });

      it('asks to restart the workspace after a model set or clear', async () => {
        const ws = await insertWorkspace(db);

        const onSet = nextRestart(app);
        await admin().put(`/workspaces/${ws}/model`, { model: 'm' });
        expect(await onSet).toEqual({ ids: [ws], reason: 'model changed' });

        const onClear = nextRestart(app);
        await admin().put(`/workspaces/${ws}/model`, { model: '' });
        expect(await onClear).toEqual({ ids: [ws], reason: 'model changed' });
      });

      it('asks to restart every running workspace that inherits a changed global', async () => {
        const inherits = await insertWorkspace(db, { status: 'online' });
        const hibernated = await insertWorkspace(db, { status: 'hibernated' });
        const paused = await insertWorkspace(db, { status: 'paused' });
        const removed = await insertWorkspace(db, { status: 'removed' });
        const external = await insertWorkspace(db, { runtime: 'external' });
        const overrides = await insertWorkspace(db);
        await insertWorkspaceSecret(db, overrides, 'SHARED_KEY', Buffer.from('own'), 0);

        for (const change of [
          () => admin().put('/settings/secrets', { key: 'SHARED_KEY', value: 'v' }),
          () => admin().delete('/admin/secrets/SHARED_KEY'),
        ]) {
          const requested = nextRestart(app);
          expect((await change()).status).toBe(200);
          const { ids, reason } = await requested;

          expect(reason).toBe('global secret changed');
          expect(ids).toEqual(expect.arrayContaining([inherits, hibernated]));
          for (const skipped of [paused, removed, external, overrides]) {
            expect(ids).not.toContain(skipped);
          }
        }
      });
    });
  });

  describe('with SECRETS_ENCRYPTION_KEY', () => {
    const db = useTestDatabase();
    const app = useTestApp(db, { ADMIN_TOKEN, SECRETS_ENCRYPTION_KEY: ENCRYPTION_KEY });
    const admin = (): HttpClient => app.http.withBearer(ADMIN_TOKEN);

    it('stores workspace secrets sealed (version 1) and decrypts them through the API', async () => {
      const ws = await insertWorkspace(db);
      const value = 'sk-ant-very-secret-value';

      await admin().put(`/workspaces/${ws}/secrets`, { key: 'API_KEY', value });

      const [row] = await rawWorkspaceSecret(db, ws, 'API_KEY');
      expect(row.encryption_version).toBe(1);
      expect(row.encrypted_value.length).toBe(12 + Buffer.byteLength(value) + 16);
      expect(row.encrypted_value.includes(Buffer.from(value))).toBe(false);
      expect((await admin().get(`/workspaces/${ws}/secrets/values`)).body).toEqual({
        API_KEY: value,
      });
    });

    it('stores global secrets and the model sealed too', async () => {
      const ws = await insertWorkspace(db);
      await admin().put('/settings/secrets', { key: 'GLOBAL_KEY', value: 'global-plain' });
      await admin().put(`/workspaces/${ws}/model`, { model: 'openai:gpt-4o' });

      const [global] = await db.query<RawSecret>(
        'SELECT encrypted_value, encryption_version FROM global_secrets WHERE key = $1',
        ['GLOBAL_KEY'],
      );
      const [model] = await rawWorkspaceSecret(db, ws, 'MODEL_PROVIDER');
      expect(global.encryption_version).toBe(1);
      expect(global.encrypted_value.includes(Buffer.from('global-plain'))).toBe(false);
      expect(model.encryption_version).toBe(1);
      expect(model.encrypted_value.includes(Buffer.from('openai:gpt-4o'))).toBe(false);
      expect((await admin().get(`/workspaces/${ws}/model`)).body).toEqual({
        model: 'openai:gpt-4o',
        source: 'workspace_secrets',
      });
      expect((await admin().get(`/workspaces/${ws}/secrets/values`)).body).toEqual({
        GLOBAL_KEY: 'global-plain',
        MODEL_PROVIDER: 'openai:gpt-4o',
      });
    });

    it('still reads plaintext rows written before the key was set, and upgrades them on save', async () => {
      const ws = await insertWorkspace(db);
      await insertWorkspaceSecret(db, ws, 'LEGACY', Buffer.from('old-plain'), 0);
      await insertWorkspaceSecret(db, ws, 'MODEL_PROVIDER', Buffer.from('legacy-model'), 0);

      expect((await admin().get(`/workspaces/${ws}/secrets/values`)).body).toMatchObject({
        LEGACY: 'old-plain',
        MODEL_PROVIDER: 'legacy-model',
      });
      expect((await admin().get(`/workspaces/${ws}/model`)).body.model).toBe('legacy-model');

      await admin().put(`/workspaces/${ws}/secrets`, { key: 'LEGACY', value: 'old-plain' });

      const [row] = await rawWorkspaceSecret(db, ws, 'LEGACY');
      expect(row.encryption_version).toBe(1);
      expect(row.encrypted_value.includes(Buffer.from('old-plain'))).toBe(false);
      expect((await admin().get(`/workspaces/${ws}/secrets/values`)).body.LEGACY).toBe('old-plain');
    });

    it('names a tampered row in failed_keys', async () => {
      const ws = await insertWorkspace(db);
      await admin().put(`/workspaces/${ws}/secrets`, { key: 'TAMPERED', value: 'v' });
      await db.query(
        `UPDATE workspace_secrets SET encrypted_value = set_byte(encrypted_value, 14, get_byte(encrypted_value, 14) # 1)
          WHERE workspace_id = $1 AND key = 'TAMPERED'`,
        [ws],
      );

      const res = await admin().get(`/workspaces/${ws}/secrets/values`);

      expect([res.status, res.body]).toEqual([
        500,
        { error: PARTIAL_BUNDLE, failed_keys: ['workspace:TAMPERED'] },
      ]);
    });
  });

  describe('on a fresh install without ADMIN_TOKEN', () => {
    const db = useTestDatabase();
    const app = useTestApp(db);

    it('global routes are open until the first workspace token exists', async () => {
      const open = await app.http.put('/settings/secrets', { key: 'K', value: 'v' });
      expect([open.status, open.body]).toEqual([
        200,
        { status: 'saved', key: 'K', scope: 'global' },
      ]);
      expect((await app.http.get('/admin/secrets')).status).toBe(200);

      const ws = await insertWorkspace(db);
      const token = await insertToken(db, ws);

      const anonymous = await app.http.get('/settings/secrets');
      const bogus = await app.http.withBearer('not-a-token').get('/settings/secrets');
      // Deprecated reference path: without ADMIN_TOKEN a live workspace token is admin.
      const withToken = await app.http.withBearer(token).get('/settings/secrets');
      expect([anonymous.status, anonymous.body]).toEqual([401, { error: 'admin auth required' }]);
      expect([bogus.status, bogus.body]).toEqual([401, { error: 'invalid admin auth token' }]);
      expect(withToken.status).toBe(200);
      expect(withToken.body.map((i: any) => i.key)).toEqual(['K']);
    });

    it('workspace routes are never open without a bearer', async () => {
      const ws = await insertWorkspace(db);
      const res = await app.http.get(`/workspaces/${ws}/secrets`);
      expect([res.status, res.body]).toEqual([401, { error: 'missing workspace auth token' }]);
    });
  });
});
