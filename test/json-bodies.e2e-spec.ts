import { randomUUID } from 'node:crypto';
import { insertToken, insertWorkspace } from './support/factories';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

/**
 * How every JSON body is read at the edge (JsonBody): the decisions recorded under
 * "JSON request bodies" in docs/compatibility.md.
 */
describe('JSON request bodies', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, { ADMIN_TOKEN: 'bodies-admin' });
  const admin = () => app.http.withBearer('bodies-admin');
  const row = async (id: string) =>
    (await db.query<any>('SELECT * FROM workspaces WHERE id = $1', [id]))[0];
  const json = { headers: { 'Content-Type': 'application/json' } };

  describe('field names match case-insensitively on struct-decoded routes, as in Go', () => {
    it('register with "ID", "URL" and "Agent_Card"', async () => {
      const id = randomUUID();
      const res = await app.http.post('/registry/register', {
        ID: id,
        URL: 'http://localhost:9001',
        Agent_Card: { name: 'A' },
      });
      expect(res.status).toBe(200);
      expect(await row(id)).toMatchObject({
        status: 'online',
        url: 'http://localhost:9001',
        agent_card: { name: 'A' },
      });
    });

    it('heartbeat, nested runtime_metadata included', async () => {
      const id = await insertWorkspace(db, { status: 'online' });
      const res = await app.http.post('/registry/heartbeat', {
        Workspace_ID: id,
        UPTIME_SECONDS: 120,
        Current_Task: 'build',
        Runtime_Metadata: { Capabilities: { status_mgmt: true } },
      });
      expect(res.status).toBe(200);
      expect(await row(id)).toMatchObject({ uptime_seconds: 120, current_task: 'build' });
    });

    it('an exact key and a case variant: the later one in the body wins', async () => {
      const id = await insertWorkspace(db, { status: 'online' });
      await app.http.post(
        '/registry/heartbeat',
        `{"workspace_id": "${id}", "current_task": "first", "CURRENT_TASK": "second", "uptime_seconds": 1}`,
        json,
      );
      expect(await row(id)).toMatchObject({ current_task: 'second' });
    });

    it('map-decoded routes keep exact keys (budget: "Budget_Limit" is not budget_limit)', async () => {
      const id = await insertWorkspace(db);
      const res = await admin().patch(`/workspaces/${id}/budget`, { Budget_Limit: 5 });
      expect([res.status, res.body]).toEqual([400, { error: 'budget_limit field is required' }]);
    });
  });

  describe('text PostgreSQL cannot store is refused at the edge, before anything is written', () => {
    const refused = { error: 'invalid request body' };
    const NUL = '\\u0000';
    const count = async (sql: string, params: unknown[]) =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n;
    const agent = async () => {
      const id = await insertWorkspace(db, { status: 'online' });
      return [id, app.http.withBearer(await insertToken(db, id))] as const;
    };

    it.each([
      ['an escaped NUL', `"a${NUL}b"`],
      ['an escaped NUL after an escaped backslash', `"a\\\\${NUL}"`],
      ['a lone high surrogate', '"a\\ud83d"'],
      ['a lone low surrogate', '"\\uDE00 b"'],
      ['a high surrogate followed by a non-surrogate escape', '"\\ud83d\\u0041"'],
      ['a low surrogate after an escaped backslash and a high one', '"\\\\ud83d\\ude00"'],
    ])('%s in a string: create workspace, register, heartbeat, activity', async (_label, text) => {
      const before = await count('workspaces', []);
      const create = await admin().post('/workspaces', `{"name": ${text}}`, json);
      expect([create.status, create.body]).toEqual([400, refused]);

      const id = randomUUID();
      const register = await app.http.post(
        '/registry/register',
        `{"id": "${id}", "url": "http://localhost:9001", "agent_card": {"name": ${text}}}`,
        json,
      );
      expect([register.status, register.body]).toEqual([400, refused]);
      expect(await count('workspaces', [])).toBe(before);

      const [own, http] = await agent();
      const beat = await http.post(
        '/registry/heartbeat',
        `{"workspace_id": "${own}", "uptime_seconds": 5, "current_task": ${text}}`,
        json,
      );
      expect([beat.status, beat.body]).toEqual([400, refused]);
      expect(await row(own)).toMatchObject({ current_task: null, uptime_seconds: 0 });

      const activity = await http.post(
        `/workspaces/${own}/activity`,
        `{"activity_type": "agent_log", "summary": "s", "metadata": {"k": ${text}}}`,
        json,
      );
      expect([activity.status, activity.body]).toEqual([400, refused]);
      expect(await count('activity_logs WHERE workspace_id = $1', [own])).toBe(0);
    });

    it('an escaped NUL in a key is refused too', async () => {
      const [own, http] = await agent();
      const res = await http.post(
        `/workspaces/${own}/activity`,
        `{"activity_type": "agent_log", "metadata": {"k${NUL}": 1}}`,
        json,
      );
      expect([res.status, res.body]).toEqual([400, refused]);
    });

    it('text that only looks like an escape is stored as written; surrogate pairs are characters', async () => {
      const [own, http] = await agent();
      const res = await http.post(
        `/workspaces/${own}/activity`,
        String.raw`{"activity_type": "agent_log", "summary": "\\u0000 \\ud800 \ud83d\ude00 \uD83D\uDE00"}`,
        json,
      );
      expect(res.status).toBe(200);
      const [logged] = await db.query<any>(
        'SELECT summary FROM activity_logs WHERE workspace_id = $1',
        [own],
      );
      expect(logged.summary).toBe('\\u0000 \\ud800 \u{1F600} \u{1F600}');
    });

    it('invalid UTF-8 is refused, not stored as U+FFFD', async () => {
      const before = await count('workspaces', []);
      const body = Buffer.concat([
        Buffer.from('{"name": "caf'),
        Buffer.from([0xe9]), // Latin-1 é
        Buffer.from('"}'),
      ]);
      const res = await admin().post('/workspaces', body, json);
      expect([res.status, res.body]).toEqual([400, refused]);
      const [own, http] = await agent();
      for (const bytes of [[0xc0, 0xae], [0xed, 0xa0, 0x80], [0xff]]) {
        const beat = await http.post(
          '/registry/heartbeat',
          Buffer.concat([
            Buffer.from(`{"workspace_id": "${own}", "current_task": "`),
            Buffer.from(bytes),
            Buffer.from('"}'),
          ]),
          json,
        );
        expect([bytes, beat.status, beat.body]).toEqual([bytes, 400, refused]);
      }
      expect(await count('workspaces', [])).toBe(before + 1);
      expect(await row(own)).toMatchObject({ current_task: null });
    });

    it('on the routes that read their body themselves: org-token mint and the A2A proxy', async () => {
      const mint = await admin().post('/org/tokens', `{"name": "a${NUL}"}`, json);
      expect([mint.status, mint.body]).toEqual([400, refused]);
      expect(await count('org_api_tokens', [])).toBe(0);

      const [target] = await agent();
      const a2a = await app.http.post(
        `/workspaces/${target}/a2a`,
        `{"method": "message/send", "params": {"message": {"parts": [{"text": "a${NUL}"}]}}}`,
        json,
      );
      expect([a2a.status, a2a.body]).toEqual([400, refused]);
      expect(await count('activity_logs WHERE workspace_id = $1', [target])).toBe(0);
    });
  });

  describe('NUL in the URL is refused before routing', () => {
    it.each([
      ['a workspace secret key', (id: string) => `/workspaces/${id}/secrets/a%00b`, 'DELETE'],
      ['a global secret key', () => '/admin/secrets/a%00b', 'DELETE'],
      ['a settings secret key', () => '/settings/secrets/%00', 'DELETE'],
      ['a query value', (id: string) => `/workspaces/${id}/session-search?q=a%00`, 'GET'],
    ])('%s', async (_label, path, method) => {
      const id = await insertWorkspace(db);
      const res = await admin().request(method, path(id));
      expect([res.status, res.body]).toEqual([400, { error: 'invalid request URL' }]);
    });

    it('an encoded percent sign followed by 00 is just text', async () => {
      const id = await insertWorkspace(db);
      const res = await admin().delete(`/workspaces/${id}/secrets/a%2500b`);
      expect([res.status, res.body]).toEqual([404, { error: 'secret not found' }]);
    });
  });

  describe('bytes after the JSON value are refused with the route message', () => {
    it.each([
      ['/registry/heartbeat', 'invalid request body'],
      ['/workspaces', 'invalid workspace payload'],
    ])('%s', async (path, error) => {
      const id = await insertWorkspace(db, { status: 'online' });
      const body = `{"workspace_id": "${id}", "name": "x", "uptime_seconds": 1, "current_task": "t"} trailing`;
      const res = await admin().post(path, body, json);
      expect([res.status, res.body]).toEqual([400, { error }]);
      expect(await row(id)).toMatchObject({ current_task: null });
    });

    it('trailing whitespace is fine', async () => {
      const id = await insertWorkspace(db, { status: 'online' });
      const body = `{"workspace_id": "${id}", "uptime_seconds": 1, "current_task": "t"}\r\n\t `;
      expect((await app.http.post('/registry/heartbeat', body, json)).status).toBe(200);
    });
  });
});
