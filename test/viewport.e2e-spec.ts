import { insertOrgToken, insertToken, insertWorkspace } from './support/factories';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';

const ROW_ID = '00000000-0000-0000-0000-000000000001';
const CANVAS = 'http://localhost:3000';

async function storedRows(db: TestDatabase) {
  return db.query<{ id: string; x: number; y: number; zoom: number }>(
    'SELECT id, x, y, zoom FROM canvas_viewport',
  );
}

describe('canvas viewport', () => {
  const db = useTestDatabase();

  // First: this block needs an install without any workspace token.
  describe('on a fresh install', () => {
    const app = useTestApp(db);

    beforeAll(async () => {
      await db.query('DELETE FROM workspace_auth_tokens');
      await db.query('DELETE FROM canvas_viewport');
    });

    it('GET answers the default before anything is saved', async () => {
      const res = await app.http.get('/canvas/viewport');
      expect([res.status, res.body]).toEqual([200, { x: 0, y: 0, zoom: 1 }]);
    });

    it('PUT needs no credential, upserts the fixed row, and GET reads it back', async () => {
      const res = await app.http.put('/canvas/viewport', { x: 120.5, y: -40, zoom: 1.25 });
      expect([res.status, res.body]).toEqual([200, { status: 'saved' }]);
      await app.http.put('/canvas/viewport', { x: 7, y: 8, zoom: 0.5 });

      expect(await storedRows(db)).toEqual([{ id: ROW_ID, x: 7, y: 8, zoom: 0.5 }]);
      const read = await app.http.get('/canvas/viewport');
      expect([read.status, read.body]).toEqual([200, { x: 7, y: 8, zoom: 0.5 }]);
    });
  });

  describe('PUT /canvas/viewport once tokens exist (CanvasOrBearer)', () => {
    const app = useTestApp(db);
    let workspaceToken: string;
    let orgToken: string;

    beforeAll(async () => {
      workspaceToken = await insertToken(db, await insertWorkspace(db));
      orgToken = await insertOrgToken(db);
    });

    const put = (headers: Record<string, string>) =>
      app.http.put('/canvas/viewport', { x: 1, y: 2, zoom: 3 }, { headers });

    it('accepts a canvas Origin without a bearer', async () => {
      const res = await put({ Origin: CANVAS });
      expect([res.status, res.body]).toEqual([200, { status: 'saved' }]);
    });

    it('accepts a workspace token', async () => {
      expect((await put({ Authorization: `Bearer ${workspaceToken}` })).status).toBe(200);
    });

    it('refuses a request with neither bearer nor canvas origin', async () => {
      const same = new URL(app.baseUrl).origin; // passes CORS, but is not a canvas origin
      const attempts: Record<string, string>[] = [{}, { Origin: same }, { Referer: `${CANVAS}/` }];
      for (const headers of attempts) {
        const res = await put(headers);
        expect([res.status, res.body]).toEqual([401, { error: 'admin auth required' }]);
      }
    });

    it('a foreign Origin is stopped by CORS first (empty 403)', async () => {
      const res = await put({ Origin: 'https://evil.example' });
      expect([res.status, res.text]).toEqual([403, '']);
    });

    it('an invalid bearer never falls through to the origin check', async () => {
      const res = await put({ Authorization: 'Bearer nope', Origin: CANVAS });
      expect([res.status, res.body]).toEqual([401, { error: 'invalid admin auth token' }]);
    });

    it('refuses org tokens', async () => {
      const res = await put({ Authorization: `Bearer ${orgToken}` });
      expect([res.status, res.body]).toEqual([401, { error: 'invalid admin auth token' }]);
    });

    it('GET stays open', async () => {
      expect((await app.http.get('/canvas/viewport')).status).toBe(200);
    });
  });

  describe('with ADMIN_TOKEN and CORS_ORIGINS set', () => {
    const app = useTestApp(db, {
      ADMIN_TOKEN: 'viewport-admin',
      CORS_ORIGINS: 'https://canvas.example',
    });
    const put = (headers: Record<string, string>) =>
      app.http.put('/canvas/viewport', { x: 1 }, { headers });

    it('accepts ADMIN_TOKEN and a CORS_ORIGINS entry; CORS refuses the replaced defaults', async () => {
      expect((await put({ Authorization: 'Bearer viewport-admin' })).status).toBe(200);
      expect((await put({ Origin: 'https://canvas.example' })).status).toBe(200);
      // CORS refuses it (CORS_ORIGINS replaced the defaults) before the guard would accept it.
      expect((await put({ Origin: CANVAS })).status).toBe(403);
    });
  });

  describe('PUT body', () => {
    const app = useTestApp(db, { ADMIN_TOKEN: 'viewport-admin' });
    const put = (body: string) =>
      app.http.put('/canvas/viewport', body, {
        headers: { Authorization: 'Bearer viewport-admin', 'Content-Type': 'application/json' },
      });

    it('stores omitted fields as 0, zoom included', async () => {
      expect((await put('{"x": 5}')).status).toBe(200);
      expect(await storedRows(db)).toEqual([{ id: ROW_ID, x: 5, y: 0, zoom: 0 }]);
      expect((await put('{}')).status).toBe(200);
      expect(await storedRows(db)).toEqual([{ id: ROW_ID, x: 0, y: 0, zoom: 0 }]);
    });

    it('stores 0/0/0 for a JSON null body, as Go decodes it into the zero struct', async () => {
      await put('{"x": 9, "y": 9, "zoom": 9}');
      const res = await put('null');
      expect([res.status, res.body]).toEqual([200, { status: 'saved' }]);
      expect(await storedRows(db)).toEqual([{ id: ROW_ID, x: 0, y: 0, zoom: 0 }]);
    });

    it.each([
      [''],
      ['{not json'],
      ['[1, 2, 3]'],
      ['42'],
      ['{"x": "10"}'],
      ['{"x": 1, "zoom": null}'],
      ['{"y": true}'],
      ['{"zoom": 1e400}'],
    ])('answers 400 for %p and stores nothing', async (body) => {
      await put('{"x": 9, "y": 9, "zoom": 9}');
      const res = await put(body);
      expect([res.status, res.body]).toEqual([400, { error: 'invalid viewport data' }]);
      expect(await storedRows(db)).toEqual([{ id: ROW_ID, x: 9, y: 9, zoom: 9 }]);
    });
  });

  // Last: breaks the table for a moment.
  describe('when the table is unavailable', () => {
    const app = useTestApp(db, { ADMIN_TOKEN: 'viewport-admin' });

    beforeAll(() => db.query('ALTER TABLE canvas_viewport RENAME TO canvas_viewport_away'));
    afterAll(() => db.query('ALTER TABLE canvas_viewport_away RENAME TO canvas_viewport'));

    it('GET still answers the default', async () => {
      const res = await app.http.get('/canvas/viewport');
      expect([res.status, res.body]).toEqual([200, { x: 0, y: 0, zoom: 1 }]);
    });

    it('PUT answers 500 without the database error', async () => {
      const res = await app.http.withBearer('viewport-admin').put('/canvas/viewport', { x: 1 });
      expect([res.status, res.body]).toEqual([500, { error: 'failed to save viewport' }]);
    });
  });
});
