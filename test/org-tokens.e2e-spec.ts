import { createHash, randomUUID } from 'node:crypto';
import { insertOrgToken, insertToken, insertWorkspace } from './support/factories';
import { HttpClient } from './support/http-client';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'org-admin-token';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const WARNING = 'copy this token now; it will not be shown again';

interface StoredOrgToken {
  token_hash: Buffer;
  prefix: string;
  name: string | null;
  created_by: string | null;
  org_id: string | null;
  revoked_at: Date | null;
}

async function stored(db: TestDatabase, id: string): Promise<StoredOrgToken> {
  const [row] = await db.query<StoredOrgToken>(
    'SELECT token_hash, prefix, name, created_by, org_id, revoked_at FROM org_api_tokens WHERE id = $1',
    [id],
  );
  return row;
}

/** An org token row with a chosen age and fields; returns its id. */
async function insertAgedOrgToken(
  db: TestDatabase,
  minutesAgo: number,
  fields: Partial<Pick<StoredOrgToken, 'name' | 'created_by' | 'org_id'>> = {},
): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO org_api_tokens (token_hash, prefix, name, created_by, org_id, created_at)
     VALUES (sha256(convert_to(gen_random_uuid()::text, 'UTF8')), $1, $2, $3, $4,
             now() - make_interval(mins => $5::int))
     RETURNING id`,
    [
      `p${minutesAgo}`.padEnd(8, 'x'),
      fields.name ?? null,
      fields.created_by ?? null,
      fields.org_id ?? null,
      minutesAgo,
    ],
  );
  return row.id;
}

describe('org tokens', () => {
  const db = useTestDatabase();

  // First: this block needs an install without any workspace token.
  describe('AdminAuth without ADMIN_TOKEN', () => {
    const app = useTestApp(db);

    beforeAll(() => db.query('DELETE FROM workspace_auth_tokens'));

    it('is open on a fresh install, even once org tokens exist', async () => {
      const res = await app.http.post('/org/tokens', { name: 'bootstrap' });
      expect(res.status).toBe(200);
      expect((await stored(db, res.body.id)).created_by).toBe('admin-token');
      expect((await app.http.get('/org/tokens')).status).toBe(200);
    });

    it('needs an admin credential once a workspace token exists', async () => {
      const workspaceToken = await insertToken(db, await insertWorkspace(db));
      for (const res of [
        await app.http.get('/org/tokens'),
        await app.http.post('/org/tokens'),
        await app.http.delete(`/org/tokens/${randomUUID()}`),
      ]) {
        expect([res.status, res.body]).toEqual([401, { error: 'admin auth required' }]);
      }
      const garbage = await app.http.withBearer('garbage').get('/org/tokens');
      expect([garbage.status, garbage.body]).toEqual([401, { error: 'invalid admin auth token' }]);
      // Deprecated, kept: without ADMIN_TOKEN a workspace token is an admin credential.
      expect((await app.http.withBearer(workspaceToken).get('/org/tokens')).status).toBe(200);
    });
  });

  describe('POST /org/tokens', () => {
    const app = useTestApp(db, { ADMIN_TOKEN });
    let admin: HttpClient;

    beforeAll(() => {
      admin = app.http.withBearer(ADMIN_TOKEN);
    });

    it('mints with 200 and stores only the hash; the token works as an admin credential', async () => {
      const res = await admin.post('/org/tokens', { name: 'ci deploy' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: expect.any(String),
        prefix: res.body.auth_token.slice(0, 8),
        name: 'ci deploy',
        auth_token: expect.stringMatching(TOKEN),
        warning: WARNING,
      });
      const row = await stored(db, res.body.id);
      expect(row).toEqual({
        token_hash: createHash('sha256').update(res.body.auth_token).digest(),
        prefix: res.body.prefix,
        name: 'ci deploy',
        created_by: 'admin-token',
        org_id: null,
        revoked_at: null,
      });
      expect((await app.http.withBearer(res.body.auth_token).get('/org/tokens')).status).toBe(200);
    });

    it('treats an empty or unparseable body as no name (stored NULL, omitted)', async () => {
      for (const body of ['', '{not json', '[1]', '{"name": 5}']) {
        const res = await admin.post('/org/tokens', body, {
          headers: { 'Content-Type': 'application/json' },
        });
        expect(res.status).toBe(200);
        expect(res.body).not.toHaveProperty('name');
        expect((await stored(db, res.body.id)).name).toBeNull();
      }
    });

    it('accepts a 100-byte name and refuses 101 bytes', async () => {
      expect((await admin.post('/org/tokens', { name: 'n'.repeat(100) })).status).toBe(200);
      const res = await admin.post('/org/tokens', { name: 'n'.repeat(101) });
      expect([res.status, res.body]).toEqual([400, { error: 'name too long (max 100 chars)' }]);
    });

    it('refuses workspace tokens when ADMIN_TOKEN is set', async () => {
      const workspaceToken = await insertToken(db, await insertWorkspace(db));
      const res = await app.http.withBearer(workspaceToken).post('/org/tokens');
      expect([res.status, res.body]).toEqual([401, { error: 'invalid admin auth token' }]);
    });
  });

  // A separate app: each app's mint limiter allows 10 mints, so the blocks stay under it.
  describe('POST /org/tokens provenance', () => {
    const app = useTestApp(db, { ADMIN_TOKEN });
    let admin: HttpClient;

    beforeAll(() => {
      admin = app.http.withBearer(ADMIN_TOKEN);
    });

    it('records a session caller (any Cookie header)', async () => {
      const res = await admin.post('/org/tokens', {}, { headers: { Cookie: 'cp_session=abc' } });
      expect((await stored(db, res.body.id)).created_by).toBe('session');
    });

    it('anchors a token minted with an org token to that token’s org', async () => {
      const org = await insertWorkspace(db);
      const anchored = await insertOrgToken(db, org);
      const res = await app.http.withBearer(anchored).post('/org/tokens', { name: 'child' });
      expect(await stored(db, res.body.id)).toMatchObject({
        created_by: `org-token:${anchored.slice(0, 8)}`,
        org_id: org,
      });

      const unanchored = await insertOrgToken(db);
      const loose = await app.http.withBearer(unanchored).post('/org/tokens');
      expect(await stored(db, loose.body.id)).toMatchObject({
        created_by: `org-token:${unanchored.slice(0, 8)}`,
        org_id: null,
      });
    });
  });

  describe('GET and DELETE /org/tokens', () => {
    const app = useTestApp(db, { ADMIN_TOKEN });
    let admin: HttpClient;

    beforeAll(async () => {
      admin = app.http.withBearer(ADMIN_TOKEN);
      await db.query('DELETE FROM org_api_tokens');
    });

    it('lists live tokens newest first, omitting empty fields', async () => {
      const org = await insertWorkspace(db);
      const older = await insertAgedOrgToken(db, 30);
      const revoked = await insertAgedOrgToken(db, 20);
      const newer = await insertAgedOrgToken(db, 10, {
        name: 'ci',
        created_by: 'session',
        org_id: org,
      });
      await db.query('UPDATE org_api_tokens SET revoked_at = now() WHERE id = $1', [revoked]);
      await db.query('UPDATE org_api_tokens SET last_used_at = now() WHERE id = $1', [newer]);

      const res = await admin.get('/org/tokens');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        tokens: [
          {
            id: newer,
            prefix: 'p10xxxxx',
            name: 'ci',
            org_id: org,
            created_by: 'session',
            created_at: expect.any(String),
            last_used_at: expect.any(String),
          },
          { id: older, prefix: 'p30xxxxx', created_at: expect.any(String) },
        ],
        count: 2,
      });
    });

    it('revokes once (200 {revoked}), then 404; a revoked token stops authenticating', async () => {
      const plaintext = await insertOrgToken(db);
      const [{ id }] = await db.query<{ id: string }>(
        'SELECT id FROM org_api_tokens WHERE prefix = $1',
        [plaintext.slice(0, 8)],
      );

      const res = await admin.delete(`/org/tokens/${id}`);
      expect([res.status, res.body]).toEqual([200, { revoked: id }]);
      expect((await stored(db, id)).revoked_at).toBeInstanceOf(Date);
      const again = await admin.delete(`/org/tokens/${id}`);
      expect([again.status, again.body]).toEqual([
        404,
        { error: 'token not found or already revoked' },
      ]);
      const after = await app.http.withBearer(plaintext).get('/org/tokens');
      expect([after.status, after.body]).toEqual([401, { error: 'invalid admin auth token' }]);
    });

    it('answers 404 for unknown and malformed ids', async () => {
      for (const id of [randomUUID(), 'not-a-uuid']) {
        const res = await admin.delete(`/org/tokens/${id}`);
        expect([res.status, res.body]).toEqual([
          404,
          { error: 'token not found or already revoked' },
        ]);
      }
    });
  });

  describe('the mint limiter (10 per hour per IP)', () => {
    const app = useTestApp(db, { ADMIN_TOKEN });

    it('answers 429 with Retry-After after 10 mints; refused callers spend nothing', async () => {
      for (let i = 0; i < 3; i++) expect((await app.http.post('/org/tokens')).status).toBe(401);
      const admin = app.http.withBearer(ADMIN_TOKEN);
      for (let i = 0; i < 10; i++) {
        const minted = await admin.post('/org/tokens');
        expect(minted.status).toBe(200);
        // The mint limiter's own triplet replaces the global limiter's.
        expect(minted.headers.get('x-ratelimit-limit')).toBe('10');
        expect(minted.headers.get('x-ratelimit-remaining')).toBe(String(9 - i));
      }

      const res = await admin.post('/org/tokens');
      expect(res.status).toBe(429);
      expect(res.body).toEqual({ error: 'rate limit exceeded', retry_after: expect.any(Number) });
      expect(res.body.retry_after).toBeGreaterThan(3500);
      expect(res.body.retry_after).toBeLessThanOrEqual(3600);
      expect(res.headers.get('retry-after')).toBe(String(res.body.retry_after));

      expect((await admin.get('/org/tokens')).status).toBe(200);
    });
  });
});
