import { randomUUID } from 'node:crypto';
import { insertToken, insertWorkspace } from './support/factories';
import { HttpClient } from './support/http-client';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'instructions-admin';
const OBJECT_KEYS = [
  'content',
  'created_at',
  'enabled',
  'id',
  'priority',
  'scope',
  'scope_target',
  'title',
  'updated_at',
];

describe('platform instructions', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, { ADMIN_TOKEN });
  let admin: HttpClient;

  beforeAll(() => {
    admin = app.http.withBearer(ADMIN_TOKEN);
  });
  beforeEach(() => db.query('DELETE FROM platform_instructions'));

  const create = async (body: Record<string, unknown>) => {
    const res = await admin.post('/instructions', body);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const stored = async (id: string) =>
    (await db.query<any>('SELECT * FROM platform_instructions WHERE id = $1', [id]))[0];

  it('every admin route is AdminAuth; resolve is WorkspaceAuth', async () => {
    const ws = await insertWorkspace(db);
    const own = app.http.withBearer(await insertToken(db, ws));
    const id = randomUUID();
    for (const client of [app.http, own]) {
      const calls = [
        client.get('/instructions'),
        client.post('/instructions', { scope: 'global', title: 't', content: 'c' }),
        client.put(`/instructions/${id}`, { title: 't' }),
        client.delete(`/instructions/${id}`),
      ];
      for (const res of await Promise.all(calls)) expect(res.status).toBe(401);
    }
    expect(await db.query('SELECT 1 FROM platform_instructions')).toEqual([]);
    const none = await app.http.get(`/workspaces/${ws}/instructions/resolve`);
    expect([none.status, none.body]).toEqual([401, { error: 'missing workspace auth token' }]);
    expect((await own.get(`/workspaces/${ws}/instructions/resolve`)).status).toBe(200);
  });

  describe('POST /instructions', () => {
    it('201 {id} only; defaults priority 0, enabled; scope_target NULL for global', async () => {
      const res = await admin.post('/instructions', {
        scope: 'global',
        title: 'Be kind',
        content: 'Always be kind.',
        scope_target: 'ignored-for-global',
      });
      expect([res.status, res.body]).toEqual([201, { id: expect.any(String) }]);
      expect(await stored(res.body.id)).toMatchObject({
        scope: 'global',
        scope_target: null,
        title: 'Be kind',
        content: 'Always be kind.',
        priority: 0,
        enabled: true,
      });
    });

    it('matches field names case-insensitively', async () => {
      const id = await create({ Scope: 'global', Title: 'T', CONTENT: 'c', Priority: 2 });
      expect(await stored(id)).toMatchObject({ title: 'T', content: 'c', priority: 2 });
      expect((await admin.put(`/instructions/${id}`, { Enabled: false })).status).toBe(200);
      expect(await stored(id)).toMatchObject({ enabled: false });
    });

    it('workspace scope stores the canonical lower-case id', async () => {
      const ws = randomUUID();
      const id = await create({
        scope: 'workspace',
        scope_target: ws.toUpperCase(),
        title: 'Role',
        content: 'x',
        priority: 7,
      });
      expect(await stored(id)).toMatchObject({ scope_target: ws, priority: 7 });
    });

    it.each(
      [
        ['{}', 'scope, title, and content are required'],
        ['{"scope":"global","title":"t"}', 'scope, title, and content are required'],
        ['{"scope":"global","title":"","content":"c"}', 'scope, title, and content are required'],
        ['{"scope":"global","title":5,"content":"c"}', 'scope, title, and content are required'],
        [
          '{"scope":"global","title":"t","content":"c","priority":"high"}',
          'scope, title, and content are required',
        ],
        [
          '{"scope":"global","title":"t","content":"c","priority":1.5}',
          'scope, title, and content are required',
        ],
        [
          '{"scope":"global","title":"t","content":"c","priority":2147483648}',
          'scope, title, and content are required',
        ],
        [
          '{"scope":"global","title":"t","content":"c","scope_target":5}',
          'scope, title, and content are required',
        ],
        ['{"scope":"global","title":"t","content":"c\\u0000"}', 'invalid request body'],
        ['[1]', 'scope, title, and content are required'],
        ['{bad', 'scope, title, and content are required'],
        ['', 'scope, title, and content are required'],
        [
          '{"scope":"team","title":"t","content":"c"}',
          'scope must be global or workspace (team scope not yet supported)',
        ],
        [
          '{"scope":"Global","title":"t","content":"c"}',
          'scope must be global or workspace (team scope not yet supported)',
        ],
        [
          '{"scope":"workspace","title":"t","content":"c"}',
          'scope_target required for workspace scope',
        ],
        [
          '{"scope":"workspace","title":"t","content":"c","scope_target":""}',
          'scope_target required for workspace scope',
        ],
        [
          '{"scope":"workspace","title":"t","content":"c","scope_target":"not-a-uuid"}',
          'scope_target required for workspace scope',
        ],
        [
          `{"scope":"global","title":"t","content":"${'c'.repeat(8193)}"}`,
          'content exceeds 8192 chars',
        ],
        [
          `{"scope":"global","title":"t","content":"${'é'.repeat(4097)}"}`,
          'content exceeds 8192 chars',
        ],
        [
          `{"scope":"global","title":"${'t'.repeat(201)}","content":"c"}`,
          'title exceeds 200 chars',
        ],
        [
          `{"scope":"global","title":"${'t'.repeat(201)}","content":"${'c'.repeat(8193)}"}`,
          'content exceeds 8192 chars',
        ],
      ].map(([body, error]) => [
        body.length > 90 ? `${body.slice(0, 60)}… (${body.length} bytes)` : body,
        body,
        error,
      ]),
    )('400 for %s, nothing written', async (_label, body, error) => {
      const res = await admin.post('/instructions', body, {
        headers: { 'Content-Type': 'application/json' },
      });
      expect([res.status, res.body]).toEqual([400, { error }]);
      expect(await db.query('SELECT 1 FROM platform_instructions')).toEqual([]);
    });

    it('accepts exactly 8192-byte content and a 200-byte title', async () => {
      await create({ scope: 'global', title: 't'.repeat(200), content: 'é'.repeat(4096) });
    });
  });

  describe('GET /instructions', () => {
    it('all rows (enabled or not) by scope, priority descending, then age; or one scope', async () => {
      const ws = randomUUID();
      const low = await create({ scope: 'global', title: 'low', content: 'c', priority: 1 });
      const high = await create({ scope: 'global', title: 'high', content: 'c', priority: 9 });
      const role = await create({
        scope: 'workspace',
        scope_target: ws,
        title: 'role',
        content: 'c',
      });
      await admin.put(`/instructions/${low}`, { enabled: false });

      const all = await admin.get('/instructions');
      expect(all.status).toBe(200);
      expect(all.body.map((i: any) => i.id)).toEqual([high, low, role]);
      expect(Object.keys(all.body[0]).sort()).toEqual(OBJECT_KEYS);
      expect(all.body[1]).toMatchObject({ enabled: false, scope_target: null });
      expect(all.body[2]).toMatchObject({ scope: 'workspace', scope_target: ws });

      expect((await admin.get('/instructions?scope=workspace')).body.map((i: any) => i.id)).toEqual(
        [role],
      );
      expect((await admin.get('/instructions?scope=nothing')).body).toEqual([]);
    });

    it('with workspace_id: enabled global rows, then that workspace’s, each by priority', async () => {
      const ws = randomUUID();
      const g1 = await create({ scope: 'global', title: 'g1', content: 'c', priority: 1 });
      const g2 = await create({ scope: 'global', title: 'g2', content: 'c', priority: 5 });
      const disabled = await create({ scope: 'global', title: 'off', content: 'c', priority: 99 });
      await admin.put(`/instructions/${disabled}`, { enabled: false });
      const w1 = await create({
        scope: 'workspace',
        scope_target: ws,
        title: 'w1',
        content: 'c',
        priority: 100,
      });
      await create({
        scope: 'workspace',
        scope_target: randomUUID(),
        title: 'other',
        content: 'c',
      });

      for (const given of [ws, ws.toUpperCase()]) {
        const res = await admin.get(`/instructions?workspace_id=${given}&scope=workspace`);
        expect(res.body.map((i: any) => i.id)).toEqual([g2, g1, w1]);
      }
      const unknown = await admin.get('/instructions?workspace_id=not-a-workspace');
      expect(unknown.body.map((i: any) => i.id)).toEqual([g2, g1]);
    });

    it('[] when none', async () => {
      expect((await admin.get('/instructions')).body).toEqual([]);
    });
  });

  describe('PUT /instructions/:id', () => {
    it('applies only present, non-null fields and moves updated_at', async () => {
      const id = await create({ scope: 'global', title: 'before', content: 'old', priority: 3 });
      const before = await stored(id);
      const res = await admin.put(`/instructions/${id}`, {
        title: 'after',
        content: null,
        priority: 4,
        scope: 'workspace',
      });
      expect([res.status, res.body]).toEqual([200, { status: 'updated' }]);
      const after = await stored(id);
      expect(after).toMatchObject({
        title: 'after',
        content: 'old',
        priority: 4,
        scope: 'global',
        enabled: true,
      });
      expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
      expect((await admin.put(`/instructions/${id}`, { enabled: false, content: '' })).status).toBe(
        200,
      );
      expect(await stored(id)).toMatchObject({ enabled: false, content: '' });
      expect((await admin.put(`/instructions/${id}`, {})).status).toBe(200);
    });

    it.each(
      [
        ['', 'invalid request'],
        ['{bad', 'invalid request'],
        ['[1]', 'invalid request'],
        ['{"title":5}', 'invalid request'],
        ['{"enabled":"yes"}', 'invalid request'],
        ['{"priority":1.5}', 'invalid request'],
        ['{"title":"a\\u0000"}', 'invalid request body'],
        [`{"content":"${'c'.repeat(8193)}"}`, 'content exceeds 8192 chars'],
        [`{"title":"${'t'.repeat(201)}"}`, 'title exceeds 200 chars'],
      ].map(([body, error]) => [body.length > 90 ? `${body.slice(0, 40)}…` : body, body, error]),
    )('400 for %s, nothing changed', async (_label, body, error) => {
      const id = await create({ scope: 'global', title: 'same', content: 'same' });
      const res = await admin.put(`/instructions/${id}`, body, {
        headers: { 'Content-Type': 'application/json' },
      });
      expect([res.status, res.body]).toEqual([400, { error }]);
      expect(await stored(id)).toMatchObject({ title: 'same', content: 'same' });
    });

    it('404 for unknown and malformed ids', async () => {
      for (const id of [randomUUID(), 'not-a-uuid']) {
        const res = await admin.put(`/instructions/${id}`, { title: 'x' });
        expect([res.status, res.body]).toEqual([404, { error: 'instruction not found' }]);
      }
    });
  });

  describe('DELETE /instructions/:id', () => {
    it('200 {status: deleted}, then 404; malformed ids are 404', async () => {
      const id = await create({ scope: 'global', title: 't', content: 'c' });
      const res = await admin.delete(`/instructions/${id}`);
      expect([res.status, res.body]).toEqual([200, { status: 'deleted' }]);
      expect(await stored(id)).toBeUndefined();
      for (const other of [id, 'not-a-uuid']) {
        const again = await admin.delete(`/instructions/${other}`);
        expect([again.status, again.body]).toEqual([404, { error: 'instruction not found' }]);
      }
    });
  });

  describe('GET /workspaces/:id/instructions/resolve', () => {
    it('global rules, then role rules, each under its header, by priority', async () => {
      const ws = await insertWorkspace(db);
      const own = app.http.withBearer(await insertToken(db, ws));
      await create({ scope: 'global', title: 'A', content: 'x', priority: 2 });
      await create({ scope: 'global', title: 'A2', content: 'x2', priority: 1 });
      await create({ scope: 'workspace', scope_target: ws, title: 'B', content: 'y' });
      const off = await create({
        scope: 'workspace',
        scope_target: ws,
        title: 'off',
        content: 'z',
      });
      await admin.put(`/instructions/${off}`, { enabled: false });

      const res = await own.get(`/workspaces/${ws}/instructions/resolve`);
      expect([res.status, res.body]).toEqual([
        200,
        {
          workspace_id: ws,
          instructions:
            '\n## Platform-Wide Rules\n\n### A\nx\n\n### A2\nx2\n\n\n## Role-Specific Rules\n\n### B\ny\n\n',
        },
      ]);
    });

    it('"" when nothing applies; the id is echoed canonical; 400 for a malformed id', async () => {
      const ws = randomUUID();
      const res = await admin.get(`/workspaces/${ws.toUpperCase()}/instructions/resolve`);
      expect([res.status, res.body]).toEqual([200, { workspace_id: ws, instructions: '' }]);
      const bad = await admin.get('/workspaces/nope/instructions/resolve');
      expect([bad.status, bad.body]).toEqual([400, { error: 'invalid workspace ID' }]);
    });
  });
});
