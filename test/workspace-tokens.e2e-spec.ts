import { randomBytes, randomUUID } from 'node:crypto';
import { insertOrgToken, insertToken, insertWorkspace } from './support/factories';
import { HttpClient } from './support/http-client';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const MALFORMED_ID = 'not-a-uuid';
const SAVE_MESSAGE = 'Save this token now — it cannot be retrieved again.';

/** Live tokens of a workspace with distinct ages; returns their ids newest first. */
async function insertAgedTokens(db: TestDatabase, workspaceId: string, n: number) {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO workspace_auth_tokens (workspace_id, token_hash, prefix, created_at)
     SELECT $1::uuid, sha256(convert_to($1::text || ':' || g, 'UTF8')), 'aged' || g,
            now() - make_interval(mins => g)
       FROM generate_series(1, $2::int) g
     RETURNING id`,
    [workspaceId, n],
  );
  return rows.map((r) => r.id);
}

async function liveTokenCount(db: TestDatabase, workspaceId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM workspace_auth_tokens
      WHERE workspace_id = $1 AND revoked_at IS NULL`,
    [workspaceId],
  );
  return row.n;
}

describe('workspace tokens', () => {
  const db = useTestDatabase();

  // First: this block needs an install without any workspace token.
  describe('GET /admin/workspaces/:id/test-token (default environment)', () => {
    const app = useTestApp(db);

    beforeAll(() => db.query('DELETE FROM workspace_auth_tokens'));

    it('mints a working token without credentials, and the first mint ends fail-open', async () => {
      const ws = await insertWorkspace(db);
      expect((await app.http.get('/admin/liveness')).status).toBe(200);

      const res = await app.http.get(`/admin/workspaces/${ws}/test-token`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ auth_token: expect.stringMatching(TOKEN), workspace_id: ws });

      const authed = app.http.withBearer(res.body.auth_token);
      expect((await authed.get(`/workspaces/${ws}/tokens`)).status).toBe(200);
      expect(await app.http.get('/admin/liveness')).toMatchObject({
        status: 401,
        body: { error: 'admin auth required' },
      });
    });

    it('keeps existing tokens live and mints for any status, removed included', async () => {
      const ws = await insertWorkspace(db, { status: 'removed' });
      const first = await app.http.get(`/admin/workspaces/${ws}/test-token`);
      const second = await app.http.get(`/admin/workspaces/${ws}/test-token`);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(first.body.auth_token).not.toBe(second.body.auth_token);
      expect(await liveTokenCount(db, ws)).toBe(2);
    });

    it('answers 404 for an unknown workspace and 400 for a malformed id', async () => {
      const unknown = await app.http.get(`/admin/workspaces/${randomUUID()}/test-token`);
      expect([unknown.status, unknown.body]).toEqual([404, { error: 'workspace not found' }]);
      const malformed = await app.http.get(`/admin/workspaces/${MALFORMED_ID}/test-token`);
      expect([malformed.status, malformed.body]).toEqual([400, { error: 'invalid workspace ID' }]);
    });

    it('answers with the canonical id', async () => {
      const ws = await insertWorkspace(db);
      const res = await app.http.get(`/admin/workspaces/${ws.toUpperCase()}/test-token`);
      expect(res.body.workspace_id).toBe(ws);
    });
  });

  describe('the test-token gate', () => {
    const key = randomBytes(32).toString('base64');
    const production = { MOLECULE_ENV: 'production', SECRETS_ENCRYPTION_KEY: key };
    let ws: string;

    beforeAll(async () => {
      ws = await insertWorkspace(db);
    });

    describe('MOLECULE_ENV=production', () => {
      const app = useTestApp(db, production);

      it('hides the route (404 not found), whatever the id', async () => {
        for (const id of [ws, MALFORMED_ID]) {
          const res = await app.http.get(`/admin/workspaces/${id}/test-token`);
          expect([res.status, res.body]).toEqual([404, { error: 'not found' }]);
        }
      });
    });

    describe('MOLECULE_ENV=production with MOLECULE_ENABLE_TEST_TOKENS=1', () => {
      const app = useTestApp(db, { ...production, MOLECULE_ENABLE_TEST_TOKENS: '1' });

      it('re-enables the route', async () => {
        const res = await app.http.get(`/admin/workspaces/${ws}/test-token`);
        expect(res.status).toBe(200);
        expect(res.body.workspace_id).toBe(ws);
      });
    });

    describe('MOLECULE_ENV=Production (not exactly "production")', () => {
      const app = useTestApp(db, { ...production, MOLECULE_ENV: 'Production' });

      it('leaves the route enabled', async () => {
        expect((await app.http.get(`/admin/workspaces/${ws}/test-token`)).status).toBe(200);
      });
    });

    describe('with ADMIN_TOKEN set', () => {
      const app = useTestApp(db, { ADMIN_TOKEN: 'the-admin-token' });
      const path = () => `/admin/workspaces/${ws}/test-token`;

      it('requires ADMIN_TOKEN, with or without the Bearer prefix', async () => {
        const refused = [401, { error: 'admin auth required' }];
        const workspaceToken = await insertToken(db, ws);
        for (const authorization of [
          undefined,
          'Bearer wrong',
          'bearer the-admin-token',
          `Bearer ${workspaceToken}`,
        ]) {
          const headers = authorization ? { Authorization: authorization } : undefined;
          const res = await app.http.get(path(), { headers });
          expect([res.status, res.body]).toEqual(refused);
        }
        for (const authorization of ['Bearer the-admin-token', 'the-admin-token']) {
          const res = await app.http.get(path(), { headers: { Authorization: authorization } });
          expect(res.status).toBe(200);
        }
      });
    });
  });

  describe('/workspaces/:id/tokens', () => {
    const app = useTestApp(db);
    let ws: string;
    let own: HttpClient;
    let org: HttpClient;

    beforeAll(async () => {
      ws = await insertWorkspace(db);
      own = app.http.withBearer(await insertToken(db, ws));
      org = app.http.withBearer(await insertOrgToken(db));
    });

    describe('auth', () => {
      it('refuses a request without a bearer', async () => {
        for (const res of [
          await app.http.get(`/workspaces/${ws}/tokens`),
          await app.http.post(`/workspaces/${ws}/tokens`),
          await app.http.delete(`/workspaces/${ws}/tokens/${randomUUID()}`),
        ]) {
          expect([res.status, res.body]).toEqual([401, { error: 'missing workspace auth token' }]);
        }
      });

      it("refuses another workspace's token", async () => {
        const other = await insertWorkspace(db);
        const res = await own.get(`/workspaces/${other}/tokens`);
        expect([res.status, res.body]).toEqual([401, { error: 'invalid workspace auth token' }]);
      });

      it('answers 400 for a malformed workspace id (org token passes the guard)', async () => {
        for (const res of [
          await org.get(`/workspaces/${MALFORMED_ID}/tokens`),
          await org.post(`/workspaces/global/tokens`),
          await org.delete(`/workspaces/${MALFORMED_ID}/tokens/${randomUUID()}`),
        ]) {
          expect([res.status, res.body]).toEqual([400, { error: 'invalid workspace ID' }]);
        }
      });
    });

    describe('POST', () => {
      it('mints a token that authenticates as this workspace', async () => {
        const res = await own.post(`/workspaces/${ws}/tokens`);
        expect(res.status).toBe(201);
        expect(res.body).toEqual({
          auth_token: expect.stringMatching(TOKEN),
          workspace_id: ws,
          message: SAVE_MESSAGE,
        });
        const fresh = app.http.withBearer(res.body.auth_token);
        expect((await fresh.get(`/workspaces/${ws}/tokens`)).status).toBe(200);
      });

      it('answers 404 for an unknown workspace', async () => {
        const res = await org.post(`/workspaces/${randomUUID()}/tokens`);
        expect([res.status, res.body]).toEqual([404, { error: 'workspace not found' }]);
      });

      it('allows the 50th live token and refuses the 51st (429)', async () => {
        const capped = await insertWorkspace(db);
        await insertAgedTokens(db, capped, 49);
        expect((await org.post(`/workspaces/${capped}/tokens`)).status).toBe(201);
        const res = await org.post(`/workspaces/${capped}/tokens`);
        expect([res.status, res.body]).toEqual([
          429,
          { error: 'maximum 50 active tokens per workspace' },
        ]);
        expect(await liveTokenCount(db, capped)).toBe(50);
      });
    });

    describe('GET', () => {
      it('lists live tokens newest first, never the plaintext', async () => {
        const listed = await insertWorkspace(db);
        const [newest, middle, oldest] = await insertAgedTokens(db, listed, 3);
        await db.query(`UPDATE workspace_auth_tokens SET revoked_at = now() WHERE id = $1`, [
          middle,
        ]);
        await db.query(`UPDATE workspace_auth_tokens SET last_used_at = now() WHERE id = $1`, [
          oldest,
        ]);

        const res = await org.get(`/workspaces/${listed}/tokens`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          tokens: [
            { id: newest, prefix: 'aged1', created_at: expect.any(String), last_used_at: null },
            {
              id: oldest,
              prefix: 'aged3',
              created_at: expect.any(String),
              last_used_at: expect.any(String),
            },
          ],
          count: 2,
        });
        expect(Date.parse(res.body.tokens[0].created_at)).toBeGreaterThan(
          Date.parse(res.body.tokens[1].created_at),
        );
      });

      it('answers tokens: [] for a workspace without live tokens', async () => {
        const empty = await insertWorkspace(db);
        const res = await org.get(`/workspaces/${empty}/tokens`);
        expect([res.status, res.text]).toEqual([200, '{"tokens":[],"count":0}']);
      });

      it('pages with limit 1..200 (else 50) and offset ≥ 0 (else 0)', async () => {
        const paged = await insertWorkspace(db);
        const ids = await insertAgedTokens(db, paged, 60);
        const page = async (query: string) =>
          (await org.get(`/workspaces/${paged}/tokens${query}`)).body.tokens.map(
            (t: { id: string }) => t.id,
          );

        expect(await page('')).toEqual(ids.slice(0, 50));
        expect(await page('?limit=10&offset=5')).toEqual(ids.slice(5, 15));
        expect(await page('?limit=1')).toEqual(ids.slice(0, 1));
        expect(await page('?limit=200')).toEqual(ids);
        for (const limit of ['0', '201', '-1', 'abc', '2.5'])
          expect(await page(`?limit=${limit}`)).toEqual(ids.slice(0, 50));
        expect(await page('?offset=55')).toEqual(ids.slice(55));
        for (const offset of ['-1', 'x'])
          expect(await page(`?limit=3&offset=${offset}`)).toEqual(ids.slice(0, 3));
        const { body } = await org.get(`/workspaces/${paged}/tokens?offset=58`);
        expect(body.count).toBe(2);
      });
    });

    describe('DELETE', () => {
      it('revokes a live token once; the second attempt is 404', async () => {
        const target = await insertWorkspace(db);
        const client = app.http.withBearer(await insertToken(db, target));
        const [tokenId] = await insertAgedTokens(db, target, 1);

        const res = await client.delete(`/workspaces/${target}/tokens/${tokenId}`);
        expect([res.status, res.body]).toEqual([200, { status: 'revoked' }]);
        const [row] = await db.query<{ revoked_at: Date | null }>(
          `SELECT revoked_at FROM workspace_auth_tokens WHERE id = $1`,
          [tokenId],
        );
        expect(row.revoked_at).toBeInstanceOf(Date);

        const again = await client.delete(`/workspaces/${target}/tokens/${tokenId}`);
        expect([again.status, again.body]).toEqual([
          404,
          { error: 'token not found or already revoked' },
        ]);
      });

      it("answers 404 for another workspace's token and leaves it live", async () => {
        const other = await insertWorkspace(db);
        const [foreign] = await insertAgedTokens(db, other, 1);
        const res = await org.delete(`/workspaces/${ws}/tokens/${foreign}`);
        expect([res.status, res.body]).toEqual([
          404,
          { error: 'token not found or already revoked' },
        ]);
        expect(await liveTokenCount(db, other)).toBe(1);
      });

      it('answers 404 for a malformed or unknown token id', async () => {
        for (const tokenId of ['not-a-token-id', randomUUID()]) {
          const res = await own.delete(`/workspaces/${ws}/tokens/${tokenId}`);
          expect([res.status, res.body]).toEqual([
            404,
            { error: 'token not found or already revoked' },
          ]);
        }
      });

      it('lets a workspace revoke the token it is using', async () => {
        const self = await insertWorkspace(db);
        const client = app.http.withBearer(await insertToken(db, self));
        const { body } = await client.get(`/workspaces/${self}/tokens`);
        const [current] = body.tokens;

        const res = await client.delete(`/workspaces/${self}/tokens/${current.id}`);
        expect([res.status, res.body]).toEqual([200, { status: 'revoked' }]);
        const after = await client.get(`/workspaces/${self}/tokens`);
        expect([after.status, after.body]).toEqual([
          401,
          { error: 'invalid workspace auth token' },
        ]);
      });
    });
  });
});
