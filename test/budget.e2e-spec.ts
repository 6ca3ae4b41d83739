import { randomUUID } from 'node:crypto';
import { insertOrgToken, insertToken, insertWorkspace } from './support/factories';
import { HttpClient } from './support/http-client';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'budget-admin-token';

async function storedLimit(db: TestDatabase, id: string): Promise<number | null> {
  const [row] = await db.query<{ budget_limit: string | null }>(
    'SELECT budget_limit FROM workspaces WHERE id = $1',
    [id],
  );
  return row.budget_limit === null ? null : Number(row.budget_limit);
}

describe('budget', () => {
  const db = useTestDatabase();

  // First: this block needs an install without any workspace token.
  describe('PATCH /workspaces/:id/budget auth (AdminAuth, no ADMIN_TOKEN)', () => {
    const app = useTestApp(db);

    beforeAll(() => db.query('DELETE FROM workspace_auth_tokens'));

    it('is open on a fresh install, then needs an admin credential', async () => {
      const ws = await insertWorkspace(db);
      const path = `/workspaces/${ws}/budget`;
      expect((await app.http.patch(path, { budget_limit: 1 })).status).toBe(200);

      const workspaceToken = await insertToken(db, ws);
      const anonymous = await app.http.patch(path, { budget_limit: 2 });
      expect([anonymous.status, anonymous.body]).toEqual([401, { error: 'admin auth required' }]);
      const garbage = await app.http.withBearer('garbage').patch(path, { budget_limit: 2 });
      expect([garbage.status, garbage.body]).toEqual([401, { error: 'invalid admin auth token' }]);
      // Without ADMIN_TOKEN any live workspace token is still an admin credential (deprecated).
      const ws2 = await app.http.withBearer(workspaceToken).patch(path, { budget_limit: 3 });
      expect(ws2.status).toBe(200);
      const org = app.http.withBearer(await insertOrgToken(db));
      expect((await org.patch(path, { budget_limit: 4 })).status).toBe(200);
      expect(await storedLimit(db, ws)).toBe(4);
    });
  });

  describe('with ADMIN_TOKEN set', () => {
    const app = useTestApp(db, { ADMIN_TOKEN });

    it('PATCH refuses workspace tokens and accepts ADMIN_TOKEN and org tokens', async () => {
      const ws = await insertWorkspace(db);
      const path = `/workspaces/${ws}/budget`;
      const own = app.http.withBearer(await insertToken(db, ws));
      const refused = await own.patch(path, { budget_limit: 5 });
      expect([refused.status, refused.body]).toEqual([401, { error: 'invalid admin auth token' }]);
      const anonymous = await app.http.patch(path, { budget_limit: 5 });
      expect([anonymous.status, anonymous.body]).toEqual([401, { error: 'admin auth required' }]);

      expect((await app.http.withBearer(ADMIN_TOKEN).patch(path, { budget_limit: 6 })).status).toBe(
        200,
      );
      const org = app.http.withBearer(await insertOrgToken(db));
      expect((await org.patch(path, { budget_limit: 7 })).status).toBe(200);
      expect(await storedLimit(db, ws)).toBe(7);
    });

    it('GET accepts the workspace token and ADMIN_TOKEN', async () => {
      const ws = await insertWorkspace(db);
      const own = app.http.withBearer(await insertToken(db, ws));
      expect((await own.get(`/workspaces/${ws}/budget`)).status).toBe(200);
      expect((await app.http.withBearer(ADMIN_TOKEN).get(`/workspaces/${ws}/budget`)).status).toBe(
        200,
      );
    });
  });

  describe('endpoints', () => {
    const app = useTestApp(db);
    let admin: HttpClient;

    beforeAll(async () => {
      admin = app.http.withBearer(await insertOrgToken(db));
    });

    describe('GET /workspaces/:id/budget', () => {
      it('without a limit: nulls, with budget_used mirroring monthly_spend', async () => {
        const ws = await insertWorkspace(db, { monthly_spend: 120 });
        const own = app.http.withBearer(await insertToken(db, ws));
        const res = await own.get(`/workspaces/${ws}/budget`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          budget_limit: null,
          monthly_spend: 120,
          budget_used: 120,
          budget_remaining: null,
        });
      });

      it('with a limit, and over budget', async () => {
        const within = await insertWorkspace(db, { budget_limit: 1000, monthly_spend: 250 });
        expect((await admin.get(`/workspaces/${within}/budget`)).body).toEqual({
          budget_limit: 1000,
          monthly_spend: 250,
          budget_used: 250,
          budget_remaining: 750,
        });
        const over = await insertWorkspace(db, { budget_limit: 100, monthly_spend: 150 });
        expect((await admin.get(`/workspaces/${over}/budget`)).body.budget_remaining).toBe(-50);
      });

      it('needs the workspace credential', async () => {
        const ws = await insertWorkspace(db);
        const res = await app.http.get(`/workspaces/${ws}/budget`);
        expect([res.status, res.body]).toEqual([401, { error: 'missing workspace auth token' }]);
      });

      it('404 for unknown and removed workspaces, 400 for a malformed id', async () => {
        const removed = await insertWorkspace(db, { status: 'removed' });
        for (const id of [randomUUID(), removed]) {
          const res = await admin.get(`/workspaces/${id}/budget`);
          expect([res.status, res.body]).toEqual([404, { error: 'workspace not found' }]);
        }
        const res = await admin.get('/workspaces/not-a-uuid/budget');
        expect([res.status, res.body]).toEqual([400, { error: 'invalid workspace ID' }]);
      });
    });

    describe('PATCH /workspaces/:id/budget', () => {
      let ws: string;
      const patch = (body: unknown) => admin.patch(`/workspaces/${ws}/budget`, body);

      beforeAll(async () => {
        ws = await insertWorkspace(db, { monthly_spend: 40 });
      });

      it('sets a limit and answers the GET shape', async () => {
        const res = await patch({ budget_limit: 500 });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          budget_limit: 500,
          monthly_spend: 40,
          budget_used: 40,
          budget_remaining: 460,
        });
        expect(await storedLimit(db, ws)).toBe(500);
      });

      it('null clears the limit', async () => {
        const res = await patch({ budget_limit: null });
        expect(res.body).toEqual({
          budget_limit: null,
          monthly_spend: 40,
          budget_used: 40,
          budget_remaining: null,
        });
        expect(await storedLimit(db, ws)).toBeNull();
      });

      it('accepts 0 and truncates fractions', async () => {
        expect((await patch({ budget_limit: 0 })).body.budget_limit).toBe(0);
        expect((await patch({ budget_limit: 12.9 })).body.budget_limit).toBe(12);
        expect(await storedLimit(db, ws)).toBe(12);
      });

      it.each([
        ['{"budget_limit": -1}', 'budget_limit must be >= 0 (USD cents)'],
        ['{"budget_limit": -0.5}', 'budget_limit must be >= 0 (USD cents)'],
        ['{"budget_limit": "100"}', 'budget_limit must be an integer (USD cents) or null'],
        ['{"budget_limit": true}', 'budget_limit must be an integer (USD cents) or null'],
        ['{"budget_limit": [1]}', 'budget_limit must be an integer (USD cents) or null'],
        [
          '{"budget_limit": 9007199254740993}',
          'budget_limit must be an integer (USD cents) or null',
        ],
        ['{"budget_limit": 1e400}', 'budget_limit must be an integer (USD cents) or null'],
        ['{"limit": 5}', 'budget_limit field is required'],
        ['{}', 'budget_limit field is required'],
        // Go decodes a null body into an empty map.
        ['null', 'budget_limit field is required'],
        ['[1]', 'invalid request body'],
        ['"text"', 'invalid request body'],
        ['{not json', 'invalid request body'],
        ['', 'invalid request body'],
      ])('answers 400 for %s', async (body, error) => {
        const before = await storedLimit(db, ws);
        const res = await admin.patch(`/workspaces/${ws}/budget`, body, {
          headers: { 'Content-Type': 'application/json' },
        });
        expect([res.status, res.body]).toEqual([400, { error }]);
        expect(await storedLimit(db, ws)).toBe(before);
      });

      it('404 for unknown and removed workspaces, 400 for a malformed id', async () => {
        const removed = await insertWorkspace(db, { status: 'removed' });
        for (const id of [randomUUID(), removed]) {
          const res = await admin.patch(`/workspaces/${id}/budget`, { budget_limit: 1 });
          expect([res.status, res.body]).toEqual([404, { error: 'workspace not found' }]);
        }
        expect(await storedLimit(db, removed)).toBeNull();
        const res = await admin.patch('/workspaces/not-a-uuid/budget', { budget_limit: 1 });
        expect([res.status, res.body]).toEqual([400, { error: 'invalid workspace ID' }]);
      });
    });
  });
});
