import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { insertOrgToken, insertToken, insertWorkspace } from './support/factories';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'workspaces-read-admin-token';

// Only `hermes` ends up with a provision timeout: the largest of its two templates.
const CONFIGS_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'workspaces-read-'));
writeTemplate('hermes', ['runtime: hermes', 'runtime_config:', '  provision_timeout_seconds: 720']);
writeTemplate('hermes-fast', [
  'runtime: hermes',
  'runtime_config:',
  '  provision_timeout_seconds: 300',
]);
writeTemplate('crewai', ['runtime: crewai', 'runtime_config:', '  provision_timeout_seconds: 0']);
writeTemplate('anonymous', ['runtime_config:', '  provision_timeout_seconds: 600']);
writeTemplate('broken', ['runtime: langgraph', 'runtime_config: [unclosed']);

function writeTemplate(id: string, lines: string[]): void {
  fs.mkdirSync(path.join(CONFIGS_DIR, id));
  fs.writeFileSync(path.join(CONFIGS_DIR, id, 'config.yaml'), lines.join('\n') + '\n');
}

const LIST_KEYS = [
  'id',
  'name',
  'role',
  'tier',
  'status',
  'agent_card',
  'url',
  'parent_id',
  'active_tasks',
  'max_concurrent_tasks',
  'last_error_rate',
  'last_sample_error',
  'uptime_seconds',
  'current_task',
  'runtime',
  'workspace_dir',
  'x',
  'y',
  'collapsed',
  'budget_limit',
  'monthly_spend',
];

const GET_KEYS = [
  'id',
  'name',
  'role',
  'tier',
  'status',
  'agent_card',
  'url',
  'parent_id',
  'active_tasks',
  'max_concurrent_tasks',
  'last_error_rate',
  'uptime_seconds',
  'runtime',
  'x',
  'y',
  'collapsed',
  'last_outbound_at',
];

const OUTBOUND = '2026-04-01T12:00:00.123Z';

/** A workspace with every projected column filled, a layout row and a parent. */
async function insertFullWorkspace(db: TestDatabase, runtime = 'crewai') {
  const parent = await insertWorkspace(db, { name: 'Parent' });
  const id = await insertWorkspace(db, {
    name: 'Full',
    role: 'Researcher',
    tier: 2,
    status: 'degraded',
    runtime,
    url: 'http://10.0.0.5:8000',
    parent_id: parent,
    active_tasks: 2,
    max_concurrent_tasks: 4,
    budget_limit: 5000,
    monthly_spend: 1200,
    current_task: 'reading papers',
    agent_card: { name: 'full', skills: [{ id: 'search' }] },
  });
  await db.query(
    `UPDATE workspaces SET last_error_rate = 0.5, last_sample_error = 'model timeout',
            uptime_seconds = 360, workspace_dir = '/home/me/project', last_outbound_at = $2
      WHERE id = $1`,
    [id, OUTBOUND],
  );
  await db.query(
    'INSERT INTO canvas_layouts (workspace_id, x, y, collapsed) VALUES ($1, 12.5, -40, true)',
    [id],
  );
  return { id, parent };
}

describe('reading workspaces', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, { ADMIN_TOKEN, CONFIGS_DIR });
  const admin = () => app.http.withBearer(ADMIN_TOKEN);

  afterAll(() => fs.rmSync(CONFIGS_DIR, { recursive: true, force: true }));

  const listItem = async (id: string) =>
    ((await admin().get('/workspaces')).body as Record<string, unknown>[]).find((w) => w.id === id);

  describe('GET /workspaces', () => {
    // First: the database is still empty.
    it('answers a bare empty array when there is no workspace', async () => {
      const res = await admin().get('/workspaces');
      expect(res.status).toBe(200);
      expect(res.text).toBe('[]');
    });

    it('projects exactly the list keys, in order', async () => {
      const { id, parent } = await insertFullWorkspace(db);
      const item = await listItem(id);
      expect(Object.keys(item!)).toEqual(LIST_KEYS);
      expect(item).toEqual({
        id,
        name: 'Full',
        role: 'Researcher',
        tier: 2,
        status: 'degraded',
        agent_card: { name: 'full', skills: [{ id: 'search' }] },
        url: 'http://10.0.0.5:8000',
        parent_id: parent,
        active_tasks: 2,
        max_concurrent_tasks: 4,
        last_error_rate: 0.5,
        last_sample_error: 'model timeout',
        uptime_seconds: 360,
        current_task: 'reading papers',
        runtime: 'crewai',
        workspace_dir: '/home/me/project',
        x: 12.5,
        y: -40,
        collapsed: true,
        budget_limit: 5000,
        monthly_spend: 1200,
      });
    });

    it('maps NULL and empty columns, and a missing layout row', async () => {
      const id = await insertWorkspace(db, {
        name: 'Sparse',
        role: '',
        runtime: null as unknown as string,
        agent_card: null,
      });
      await db.query(`UPDATE workspaces SET workspace_dir = '' WHERE id = $1`, [id]);
      expect(await listItem(id)).toEqual({
        id,
        name: 'Sparse',
        role: null,
        tier: 1,
        status: 'online',
        agent_card: null,
        url: '',
        parent_id: null,
        active_tasks: 0,
        max_concurrent_tasks: 1,
        last_error_rate: 0,
        last_sample_error: '',
        uptime_seconds: 0,
        current_task: '',
        runtime: 'langgraph',
        workspace_dir: null,
        x: 0,
        y: 0,
        collapsed: false,
        budget_limit: null,
        monthly_spend: 0,
      });
    });

    it('orders by created_at, oldest first', async () => {
      const ids = [await insertWorkspace(db), await insertWorkspace(db), await insertWorkspace(db)];
      const createdAt = ['2030-01-03', '2030-01-01', '2030-01-02'];
      for (const [i, id] of ids.entries()) {
        await db.query('UPDATE workspaces SET created_at = $2 WHERE id = $1', [id, createdAt[i]]);
      }
      const listed = ((await admin().get('/workspaces')).body as { id: string }[])
        .map((w) => w.id)
        .filter((id) => ids.includes(id));
      expect(listed).toEqual([ids[1], ids[2], ids[0]]);
    });

    it('hides removed workspaces and shows every other status', async () => {
      const statuses = [
        'provisioning',
        'online',
        'offline',
        'degraded',
        'failed',
        'paused',
        'hibernated',
        'awaiting_agent',
        'hibernating',
      ];
      const shown = await Promise.all(statuses.map((status) => insertWorkspace(db, { status })));
      const removed = await insertWorkspace(db, { status: 'removed' });
      const listed = (await admin().get('/workspaces')).body as { id: string; status: string }[];
      expect(listed.map((w) => w.id)).not.toContain(removed);
      expect(statuses.map((s, i) => listed.find((w) => w.id === shown[i])?.status)).toEqual(
        statuses,
      );
    });

    it('adds provision_timeout_ms only for runtimes a template declares (largest wins)', async () => {
      const hermes = await insertWorkspace(db, { runtime: 'hermes' });
      const crewai = await insertWorkspace(db, { runtime: 'crewai' });
      const langgraph = await insertWorkspace(db, { runtime: 'langgraph' });
      const hermesItem = await listItem(hermes);
      expect(Object.keys(hermesItem!)).toEqual([...LIST_KEYS, 'provision_timeout_ms']);
      expect(hermesItem!.provision_timeout_ms).toBe(720_000);
      expect(await listItem(crewai)).not.toHaveProperty('provision_timeout_ms');
      expect(await listItem(langgraph)).not.toHaveProperty('provision_timeout_ms');
    });

    it('needs an admin credential', async () => {
      const anonymous = await app.http.get('/workspaces');
      expect([anonymous.status, anonymous.body]).toEqual([401, { error: 'admin auth required' }]);
      const ws = await insertWorkspace(db);
      const workspaceToken = await app.http
        .withBearer(await insertToken(db, ws))
        .get('/workspaces');
      expect([workspaceToken.status, workspaceToken.body]).toEqual([
        401,
        { error: 'invalid admin auth token' },
      ]);
      expect((await app.http.withBearer(await insertOrgToken(db)).get('/workspaces')).status).toBe(
        200,
      );
    });
  });

  describe('GET /workspaces/:id', () => {
    it('is open, and strips the financial and sensitive keys', async () => {
      const { id, parent } = await insertFullWorkspace(db);
      const res = await app.http.get(`/workspaces/${id}`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(GET_KEYS);
      expect(res.body).toEqual({
        id,
        name: 'Full',
        role: 'Researcher',
        tier: 2,
        status: 'degraded',
        agent_card: { name: 'full', skills: [{ id: 'search' }] },
        url: 'http://10.0.0.5:8000',
        parent_id: parent,
        active_tasks: 2,
        max_concurrent_tasks: 4,
        last_error_rate: 0.5,
        uptime_seconds: 360,
        runtime: 'crewai',
        x: 12.5,
        y: -40,
        collapsed: true,
        last_outbound_at: OUTBOUND,
      });
    });

    it('answers last_outbound_at null, and the list defaults, for a sparse row', async () => {
      const id = await insertWorkspace(db, { name: 'Sparse', role: '', agent_card: null });
      const res = await app.http.get(`/workspaces/${id}`);
      expect(res.body).toEqual({
        id,
        name: 'Sparse',
        role: null,
        tier: 1,
        status: 'online',
        agent_card: null,
        url: '',
        parent_id: null,
        active_tasks: 0,
        max_concurrent_tasks: 1,
        last_error_rate: 0,
        uptime_seconds: 0,
        runtime: 'langgraph',
        x: 0,
        y: 0,
        collapsed: false,
        last_outbound_at: null,
      });
    });

    it('adds provision_timeout_ms after last_outbound_at for a declared runtime', async () => {
      const { id } = await insertFullWorkspace(db, 'hermes');
      const res = await app.http.get(`/workspaces/${id}`);
      expect(Object.keys(res.body)).toEqual([...GET_KEYS, 'provision_timeout_ms']);
      expect(res.body.provision_timeout_ms).toBe(720_000);
    });

    it('returns a removed workspace with its status', async () => {
      const id = await insertWorkspace(db, { status: 'removed' });
      const res = await app.http.get(`/workspaces/${id}`);
      expect([res.status, res.body.id, res.body.status]).toEqual([200, id, 'removed']);
    });

    it('404s an unknown workspace (the all-zero UUID is a valid id)', async () => {
      for (const id of [randomUUID(), '00000000-0000-0000-0000-000000000000']) {
        const res = await app.http.get(`/workspaces/${id}`);
        expect([res.status, res.body]).toEqual([404, { error: 'workspace not found' }]);
      }
    });

    it('accepts every UUID spelling a standard parser does, answering the canonical id', async () => {
      const id = await insertWorkspace(db);
      const hex = id.replace(/-/g, '');
      for (const spelling of [
        id.toUpperCase(),
        hex,
        encodeURIComponent(`{${id}}`),
        `urn:uuid:${id}`,
      ]) {
        const res = await app.http.get(`/workspaces/${spelling}`);
        expect([res.status, res.body.id]).toEqual([200, id]);
      }
    });

    it.each([
      ['a plain word', 'not-a-uuid'],
      ['a URL-encoded traversal', '..%2F..%2Fetc%2Fpasswd'],
      ['a truncated UUID', '3c6d1f0e-2b9a-4c47-9e55-0b8f2f7d1a1'],
      ['an over-long UUID', '3c6d1f0e-2b9a-4c47-9e55-0b8f2f7d1a100'],
      ['markup', encodeURIComponent('<script>alert(1)</script>')],
      ['SQL', encodeURIComponent("' OR 1=1 --")],
      ['misplaced dashes', '3c6d1f0e2-b9a-4c47-9e55-0b8f2f7d1a10'],
    ])('answers 400 for %s', async (_label, id) => {
      const res = await app.http.get(`/workspaces/${id}`);
      expect([res.status, res.body]).toEqual([400, { error: 'invalid workspace ID' }]);
    });
  });
});
