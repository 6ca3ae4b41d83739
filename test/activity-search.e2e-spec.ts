import { insertToken, insertWorkspace } from './support/factories';
import { HttpClient } from './support/http-client';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const HIT_KEYS = [
  'content',
  'created_at',
  'id',
  'kind',
  'label',
  'method',
  'status',
  'workspace_id',
];

describe('GET /workspaces/:id/session-search', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, { ADMIN_TOKEN: 'search-admin' });
  let id: string;
  let own: HttpClient;

  /** Rows one second apart, the first one newest. */
  async function seed(workspaceId: string, rows: Record<string, unknown>[]): Promise<void> {
    for (const [i, row] of rows.entries()) {
      await db.query(
        `INSERT INTO activity_logs (workspace_id, activity_type, summary, method, status,
                                    request_body, response_body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now() - make_interval(secs => $8))`,
        [
          workspaceId,
          row.activity_type ?? 'agent_log',
          row.summary ?? null,
          row.method ?? null,
          row.status === undefined ? 'ok' : row.status,
          row.request_body === undefined ? null : JSON.stringify(row.request_body),
          row.response_body === undefined ? null : JSON.stringify(row.response_body),
          i,
        ],
      );
    }
  }

  const search = async (query: string) => {
    const res = await own.get(`/workspaces/${id}/session-search${query}`);
    expect(res.status).toBe(200);
    return res.body as Record<string, any>[];
  };
  const contents = async (query: string) => (await search(query)).map((h) => h.content);

  beforeAll(async () => {
    id = await insertWorkspace(db);
    own = app.http.withBearer(await insertToken(db, id));
    await seed(id, [
      { summary: 'Read the DOCS folder', activity_type: 'a2a_receive', method: 'message/send' },
      { summary: 'progress 100% done' },
      { summary: 'progress 100 done' },
      { summary: 'snake_case name' },
      { summary: 'snakeXcase name' },
      { summary: 'path C:\\temp' },
      { summary: null, activity_type: 'a2a_send', request_body: { task: 'write docs' } },
      { summary: 'reply', response_body: { result: 'updated the Docs page' } },
      { summary: 'by status', status: 'timeout' },
      { summary: 'null status', status: null },
    ]);
    await seed(await insertWorkspace(db), [{ summary: 'other workspace docs' }]);
  });

  it('without q: this workspace only, newest first, in the activity shape', async () => {
    const hits = await search('');
    expect(hits.map((h) => h.content)).toEqual([
      'Read the DOCS folder',
      'progress 100% done',
      'progress 100 done',
      'snake_case name',
      'snakeXcase name',
      'path C:\\temp',
      '',
      'reply',
      'by status',
      'null status',
    ]);
    expect(Object.keys(hits[0]).sort()).toEqual(HIT_KEYS);
    expect(hits[0]).toMatchObject({
      kind: 'activity',
      workspace_id: id,
      label: 'a2a_receive',
      method: 'message/send',
      status: 'ok',
    });
    expect(new Date(hits[0].created_at).toISOString()).toBe(hits[0].created_at);
    // NULL summary / method / status come out as ''; bodies only when present.
    expect(hits[6]).toMatchObject({ label: 'a2a_send', content: '', method: '' });
    expect(hits[6].request_body).toEqual({ task: 'write docs' });
    expect('response_body' in hits[6]).toBe(false);
    expect(hits[7].response_body).toEqual({ result: 'updated the Docs page' });
    expect(hits[9].status).toBe('');
  });

  it('q: case-insensitive substring over content, label, method, status and both bodies', async () => {
    expect(await contents('?q=docs')).toEqual(['Read the DOCS folder', '', 'reply']);
    expect(await contents('?q=%20%20docs%20')).toEqual(['Read the DOCS folder', '', 'reply']);
    expect(await contents('?q=A2A_SEND')).toEqual(['']);
    expect(await contents('?q=message%2Fsend')).toEqual(['Read the DOCS folder']);
    expect(await contents('?q=timeout')).toEqual(['by status']);
    expect(await contents('?q=nothing-matches')).toEqual([]);
  });

  it('%, _ and \\ in q match themselves', async () => {
    expect(await contents('?q=100%25')).toEqual(['progress 100% done']);
    expect(await contents('?q=snake_case')).toEqual(['snake_case name']);
    expect(await contents('?q=C%3A%5Ct')).toEqual(['path C:\\temp']);
    expect(await contents('?q=%25')).toEqual(['progress 100% done']);
  });

  it('covers the workspace’s agent memories too (kind memory, labelled by scope)', async () => {
    const ws = await insertWorkspace(db);
    const client = app.http.withBearer(await insertToken(db, ws));
    await seed(ws, [{ summary: 'deployed the docs site' }]);
    await db.query(
      `INSERT INTO agent_memories (workspace_id, content, scope, created_at) VALUES
         ($1, 'docs live under /site', 'TEAM', now() + interval '1 second'),
         ($1, 'unrelated', 'LOCAL', now() - interval '1 hour')`,
      [ws],
    );
    const hits = (await client.get(`/workspaces/${ws}/session-search?q=docs`)).body;
    expect(hits).toEqual([
      {
        kind: 'memory',
        id: expect.any(String),
        workspace_id: ws,
        label: 'TEAM',
        content: 'docs live under /site',
        method: '',
        status: '',
        created_at: expect.any(String),
      },
      expect.objectContaining({ kind: 'activity', content: 'deployed the docs site' }),
    ]);
    const all = (await client.get(`/workspaces/${ws}/session-search`)).body;
    expect(all.map((h: any) => h.kind)).toEqual(['memory', 'activity', 'memory']);
    expect((await client.get(`/workspaces/${ws}/session-search?q=local`)).body).toEqual([
      expect.objectContaining({ kind: 'memory', content: 'unrelated' }),
    ]);
  });

  describe('limit', () => {
    beforeAll(async () => {
      await db.query(
        `INSERT INTO activity_logs (workspace_id, activity_type, summary, created_at)
         SELECT $1, 'agent_log', 'bulk ' || n, now() - make_interval(secs => 100 + n)
           FROM generate_series(1, 250) AS n`,
        [id],
      );
    });

    it.each([
      ['', 50],
      ['?limit=75', 75],
      ['?limit=200', 200],
      ['?limit=9999', 200],
      ['?limit=abc', 50],
      ['?limit=0', 50],
      ['?q=bulk&limit=3', 3],
    ])('%s → %i hits', async (query, count) => {
      expect(await search(query)).toHaveLength(count);
    });
  });

  it('400 invalid workspace ID for a malformed id', async () => {
    const res = await app.http.withBearer('search-admin').get('/workspaces/nope/session-search');
    expect([res.status, res.body]).toEqual([400, { error: 'invalid workspace ID' }]);
  });
});
