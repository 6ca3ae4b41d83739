import { randomUUID } from 'node:crypto';
import { WorkspaceTokens } from '../src/common/auth/workspace-tokens.service';
import { insertOrgToken, insertToken, insertWorkspace } from './support/factories';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'workspaces-state-admin-token';

describe('GET /workspaces/:id/state', () => {
  const db = useTestDatabase();
  const path = (id: string) => `/workspaces/${id}/state`;

  describe('with ADMIN_TOKEN', () => {
    const app = useTestApp(db, { ADMIN_TOKEN });
    const admin = () => app.http.withBearer(ADMIN_TOKEN);

    describe('a workspace without a live token (grandfathered)', () => {
      it('answers its status to any credential the middleware accepts', async () => {
        const id = await insertWorkspace(db, { status: 'online' });
        const res = await admin().get(path(id));
        expect(res.status).toBe(200);
        expect(Object.keys(res.body)).toEqual(['workspace_id', 'status', 'paused', 'deleted']);
        expect(res.body).toEqual({
          workspace_id: id,
          status: 'online',
          paused: false,
          deleted: false,
        });
        const org = app.http.withBearer(await insertOrgToken(db));
        expect((await org.get(path(id))).status).toBe(200);
      });

      it('flags a paused workspace', async () => {
        const id = await insertWorkspace(db, { status: 'paused' });
        expect((await admin().get(path(id))).body).toEqual({
          workspace_id: id,
          status: 'paused',
          paused: true,
          deleted: false,
        });
      });

      it('is grandfathered again once every token is revoked', async () => {
        const id = await insertWorkspace(db, { status: 'failed' });
        await insertToken(db, id);
        await db.query(
          'UPDATE workspace_auth_tokens SET revoked_at = now() WHERE workspace_id = $1',
          [id],
        );
        expect((await admin().get(path(id))).body).toMatchObject({ status: 'failed' });
      });

      it('404s a missing row with deleted: true and no error key', async () => {
        const id = randomUUID();
        const res = await admin().get(path(id));
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ workspace_id: id, deleted: true });
      });

      it('404s a removed workspace with its status', async () => {
        const id = await insertWorkspace(db, { status: 'removed' });
        const res = await admin().get(path(id));
        expect([res.status, res.body]).toEqual([
          404,
          { workspace_id: id, status: 'removed', deleted: true },
        ]);
      });

      it('answers the canonical id for another UUID spelling', async () => {
        const id = await insertWorkspace(db);
        expect((await admin().get(path(id.toUpperCase()))).body.workspace_id).toBe(id);
      });
    });

    describe('a workspace with a live token', () => {
      it('answers its own bearer and bumps the token’s last_used_at', async () => {
        const id = await insertWorkspace(db, { status: 'degraded' });
        const token = await insertToken(db, id);
        const res = await app.http.withBearer(token).get(path(id));
        expect([res.status, res.body]).toEqual([
          200,
          { workspace_id: id, status: 'degraded', paused: false, deleted: false },
        ]);
        const [row] = await db.query<{ used: boolean }>(
          'SELECT last_used_at IS NOT NULL AS used FROM workspace_auth_tokens WHERE workspace_id = $1',
          [id],
        );
        expect(row.used).toBe(true);
      });

      it('refuses ADMIN_TOKEN and org tokens in the handler', async () => {
        const id = await insertWorkspace(db);
        await insertToken(db, id);
        for (const bearer of [ADMIN_TOKEN, await insertOrgToken(db)]) {
          const res = await app.http.withBearer(bearer).get(path(id));
          expect([res.status, res.body]).toEqual([401, { error: 'invalid workspace auth token' }]);
        }
      });

      it('refuses no bearer, a foreign token and garbage', async () => {
        const id = await insertWorkspace(db);
        await insertToken(db, id);
        const foreign = await insertToken(db, await insertWorkspace(db));
        const cases: [Record<string, string>, string][] = [
          [{}, 'missing workspace auth token'],
          [{ Authorization: `Bearer ${foreign}` }, 'invalid workspace auth token'],
          [{ Authorization: 'Bearer garbage' }, 'invalid workspace auth token'],
        ];
        for (const [headers, error] of cases) {
          const res = await app.http.get(path(id), { headers });
          expect([res.status, res.body]).toEqual([401, { error }]);
        }
      });
    });

    it.each(['not-a-uuid', '..%2F..%2Fetc', '3c6d1f0e-2b9a-4c47-9e55-0b8f2f7d1a1'])(
      'answers 400 for the id %s',
      async (id) => {
        const res = await admin().get(path(id));
        expect([res.status, res.body]).toEqual([400, { error: 'invalid workspace ID' }]);
      },
    );
  });

  describe('in dev mode without ADMIN_TOKEN (no bearer needed by the middleware)', () => {
    const app = useTestApp(db, { MOLECULE_ENV: 'development' });

    it('answers a tokenless workspace without a bearer', async () => {
      const id = await insertWorkspace(db, { status: 'online' });
      expect((await app.http.get(path(id))).body).toEqual({
        workspace_id: id,
        status: 'online',
        paused: false,
        deleted: false,
      });
    });

    it('still demands the workspace’s own bearer once it has a token', async () => {
      const id = await insertWorkspace(db);
      const token = await insertToken(db, id);
      const res = await app.http.get(path(id));
      expect([res.status, res.body]).toEqual([401, { error: 'missing workspace auth token' }]);
      expect((await app.http.withBearer(token).get(path(id))).status).toBe(200);
    });
  });

  describe('when the token check cannot reach the datastore', () => {
    const failingTokens = {
      gate: () => Promise.reject(new Error('connection refused: db.internal:5432')),
    };
    const app = useTestApp(db, { ADMIN_TOKEN }, [
      { provide: WorkspaceTokens, useValue: failingTokens },
    ]);

    it('fails closed with 500 "auth check failed" and no detail', async () => {
      const id = await insertWorkspace(db);
      const res = await app.http.withBearer(ADMIN_TOKEN).get(path(id));
      expect([res.status, res.body]).toEqual([500, { error: 'auth check failed' }]);
    });
  });
});
