import { randomUUID } from 'node:crypto';
import { insertToken, insertWorkspace } from './support/factories';
import { HttpClient } from './support/http-client';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';

const ADMIN_TOKEN = 'notify-admin-token';

async function rowsOf(db: TestDatabase, workspaceId: string) {
  return db.query<Record<string, any>>(
    'SELECT * FROM activity_logs WHERE workspace_id = $1 ORDER BY created_at',
    [workspaceId],
  );
}

describe('POST /workspaces/:id/notify', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, { ADMIN_TOKEN });
  let ws: TestWsClient;

  beforeEach(async () => {
    ws = await TestWsClient.connect(app.baseUrl);
  });
  afterEach(() => ws.close());

  async function agent(name = 'Director'): Promise<[string, HttpClient]> {
    const id = await insertWorkspace(db, { name });
    return [id, app.http.withBearer(await insertToken(db, id))];
  }

  it('broadcasts AGENT_MESSAGE and persists a canvas-side a2a_receive row', async () => {
    const [id, own] = await agent('Director');
    const res = await own.post(`/workspaces/${id}/notify`, { message: 'Still working…' });
    expect([res.status, res.body]).toEqual([200, { status: 'sent' }]);

    const frame = await ws.nextEvent('AGENT_MESSAGE', id);
    expect(frame.payload).toStrictEqual({
      message: 'Still working…',
      workspace_id: id,
      name: 'Director',
    });
    const [row] = await rowsOf(db, id);
    expect(row).toMatchObject({
      workspace_id: id,
      activity_type: 'a2a_receive',
      method: 'notify',
      source_id: null,
      target_id: null,
      request_body: null,
      response_body: { result: 'Still working…' },
      tool_trace: null,
      status: 'ok',
      summary: 'Agent message: Still working…',
    });
  });

  it('the row reloads as chat history: agent bubble from response_body.result, no user bubble', async () => {
    const [id, own] = await agent();
    await own.post(`/workspaces/${id}/notify`, { message: 'Here you go' });
    const history = await own.get(
      `/workspaces/${id}/activity?type=a2a_receive&source=canvas&limit=50`,
    );
    expect(history.body).toHaveLength(1);
    expect(history.body[0].response_body).toEqual({ result: 'Here you go' });
    expect('request_body' in history.body[0]).toBe(false);
  });

  it('emits no ACTIVITY_LOGGED', async () => {
    const [id, own] = await agent();
    await own.post(`/workspaces/${id}/notify`, { message: 'one' });
    // A later self-report is the next ACTIVITY_LOGGED for this workspace: nothing came before it.
    await own.post(`/workspaces/${id}/activity`, { activity_type: 'agent_log', summary: 'marker' });
    const marker = await ws.nextEvent('ACTIVITY_LOGGED', id);
    expect(marker.payload.summary).toBe('marker');
    expect(ws.frames.filter((f) => f.workspace_id === id).map((f) => f.event)).toEqual([
      'AGENT_MESSAGE',
      'ACTIVITY_LOGGED',
    ]);
  });

  it('with attachments: in the live event and as file parts in the row', async () => {
    const [id, own] = await agent();
    const zip = {
      uri: 'workspace:/workspace/.molecule/chat-uploads/0f3a-build.zip',
      name: 'build.zip',
      mimeType: 'application/zip',
      size: 2048,
    };
    const bare = {
      uri: 'workspace:/workspace/notes.txt',
      name: 'notes.txt',
      mimeType: '',
      size: 0,
    };
    const res = await own.post(`/workspaces/${id}/notify`, {
      message: 'ZIP is ready',
      attachments: [zip, { ...bare, extra: 'ignored' }],
    });
    expect(res.status).toBe(200);

    const frame = await ws.nextEvent('AGENT_MESSAGE', id);
    expect(frame.payload).toStrictEqual({
      message: 'ZIP is ready',
      workspace_id: id,
      name: 'Director',
      attachments: [zip, { uri: bare.uri, name: bare.name }],
    });
    const [row] = await rowsOf(db, id);
    expect(row.response_body).toStrictEqual({
      result: 'ZIP is ready',
      parts: [
        { kind: 'file', file: zip },
        { kind: 'file', file: { uri: bare.uri, name: bare.name } },
      ],
    });
    expect(row.request_body).toBeNull();
  });

  it('an empty attachment list is no attachments', async () => {
    const [id, own] = await agent();
    await own.post(`/workspaces/${id}/notify`, { message: 'x', attachments: [] });
    expect('attachments' in (await ws.nextEvent('AGENT_MESSAGE', id)).payload).toBe(false);
    expect((await rowsOf(db, id))[0].response_body).toStrictEqual({ result: 'x' });
  });

  it('previews a long message after 80 bytes, on a character boundary', async () => {
    const [id, own] = await agent();
    const message = `${'a'.repeat(79)}é and more text`;
    await own.post(`/workspaces/${id}/notify`, { message });
    const [row] = await rowsOf(db, id);
    expect(row.summary).toBe(`Agent message: ${'a'.repeat(79)}…`);
    expect(row.response_body).toEqual({ result: message });
  });

  it.each([
    ['an empty object', {}],
    ['an empty message', { message: '' }],
    ['a non-string message', { message: 5 }],
    ['attachments only', { attachments: [{ uri: 'u', name: 'n' }] }],
    [
      "the runtime's delegation_complete push",
      {
        type: 'delegation_complete',
        task_id: 't',
        target_workspace_id: randomUUID(),
        status: 'ok',
      },
    ],
    ['attachments that are not a list', { message: 'x', attachments: 'a.zip' }],
    ['a fractional size', { message: 'x', attachments: [{ uri: 'u', name: 'n', size: 1.5 }] }],
    ['invalid JSON', '{"message":'],
  ])('400 message is required for %s', async (_label, body) => {
    const [id, own] = await agent();
    const res = await own.post(`/workspaces/${id}/notify`, body);
    expect([res.status, res.body]).toEqual([400, { error: 'message is required' }]);
    expect(await rowsOf(db, id)).toEqual([]);
  });

  it.each([
    ['empty uri', [{ uri: '', name: 'a.txt' }], 0],
    ['empty name', [{ uri: 'workspace:/a.txt', name: '' }], 0],
    ['both empty', [{ uri: '', name: '' }], 0],
    ['missing name on the second', [{ uri: 'u', name: 'n' }, { uri: 'workspace:/b' }], 1],
    // Go decodes a JSON null element to an empty attachment.
    ['null', [null], 0],
    ['null as the second', [{ uri: 'u', name: 'n' }, null], 1],
  ])('400 for an attachment with %s, before any lookup', async (_label, attachments, index) => {
    // An unknown workspace: the 400 comes before the 404 would.
    const res = await app.http
      .withBearer(ADMIN_TOKEN)
      .post(`/workspaces/${randomUUID()}/notify`, { message: 'x', attachments });
    expect([res.status, res.body]).toEqual([
      400,
      { error: `attachment[${index}]: uri and name are required` },
    ]);
  });

  it('404 for an unknown, removed or malformed workspace; nothing sent', async () => {
    const removed = await insertWorkspace(db, { status: 'removed' });
    const admin = app.http.withBearer(ADMIN_TOKEN);
    for (const id of [randomUUID(), removed, 'not-a-uuid']) {
      const res = await admin.post(`/workspaces/${id}/notify`, { message: 'x' });
      expect([id, res.status, res.body]).toEqual([id, 404, { error: 'workspace not found' }]);
    }
    expect(await rowsOf(db, removed)).toEqual([]);
    expect(
      ws.frames.filter((f) => f.event === 'AGENT_MESSAGE' && f.workspace_id === removed),
    ).toEqual([]);
  });

  it('a failed insert still delivers the live message and answers 200', async () => {
    const [id, own] = await agent();
    // A constraint that refuses this one row (NOT VALID: existing rows are not checked).
    await db.query(
      `ALTER TABLE activity_logs ADD CONSTRAINT refuse_for_test CHECK (summary IS DISTINCT FROM 'Agent message: refused') NOT VALID`,
    );
    try {
      const res = await own.post(`/workspaces/${id}/notify`, { message: 'refused' });
      expect([res.status, res.body]).toEqual([200, { status: 'sent' }]);
      expect((await ws.nextEvent('AGENT_MESSAGE', id)).payload.message).toBe('refused');
      expect(await rowsOf(db, id)).toEqual([]);
    } finally {
      await db.query('ALTER TABLE activity_logs DROP CONSTRAINT refuse_for_test');
    }
  });
});
