import { randomUUID } from 'node:crypto';
import { insertWorkspace } from './support/factories';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';
import { quietLogs } from './support/unit';

const ADMIN_TOKEN = 'failures-admin';

/**
 * The 500s of spec 08's routes, over real HTTP: the table a route needs is renamed away for
 * the request (PostgreSQL answers "relation does not exist"), and the route must answer its
 * own canned message — never the database's text.
 */
describe('datastore failures on the memories routes', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, { ADMIN_TOKEN });
  quietLogs();
  let ws: string;
  const instruction = randomUUID();
  const approval = randomUUID();

  beforeAll(async () => {
    ws = await insertWorkspace(db);
    await db.query(
      `INSERT INTO platform_instructions (id, scope, title, content) VALUES ($1, 'global', 't', 'c')`,
      [instruction],
    );
    await db.query(
      `INSERT INTO approval_requests (id, workspace_id, action) VALUES ($1, $2, 'a')`,
      [approval, ws],
    );
  });

  /** [table taken away, method, path (`:ws`, `:approval`, `:instruction`, `:random` filled in), error, body] */
  const cases: [string, string, string, string, unknown][] = [
    [
      'agent_memories',
      'POST',
      '/workspaces/:ws/memories',
      'failed to store memory',
      { content: 'x', scope: 'LOCAL' },
    ],
    ['agent_memories', 'GET', '/workspaces/:ws/memories?q=zinc', 'search failed', undefined],
    ['agent_memories', 'GET', '/workspaces/:ws/memories?scope=TEAM', 'search failed', undefined],
    ['agent_memories', 'DELETE', '/workspaces/:ws/memories/:random', 'delete failed', undefined],
    ['agent_memories', 'GET', '/admin/memories/export', 'export query failed', undefined],
    [
      'approval_requests',
      'POST',
      '/workspaces/:ws/approvals',
      'failed to create approval',
      { action: 'x' },
    ],
    ['approval_requests', 'GET', '/workspaces/:ws/approvals', 'query failed', undefined],
    ['approval_requests', 'GET', '/approvals/pending', 'query failed', undefined],
    [
      'approval_requests',
      'POST',
      '/workspaces/:ws/approvals/:approval/decide',
      'failed to update',
      { decision: 'approved' },
    ],
    [
      'workflow_checkpoints',
      'POST',
      '/workspaces/:ws/checkpoints',
      'failed to upsert checkpoint',
      { workflow_id: 'w', step_name: 's' },
    ],
    [
      'workflow_checkpoints',
      'GET',
      '/workspaces/:ws/checkpoints/latest',
      'failed to fetch latest checkpoint',
      undefined,
    ],
    [
      'workflow_checkpoints',
      'GET',
      '/workspaces/:ws/checkpoints/w',
      'failed to list checkpoints',
      undefined,
    ],
    [
      'workflow_checkpoints',
      'DELETE',
      '/workspaces/:ws/checkpoints/w',
      'failed to delete checkpoints',
      undefined,
    ],
    ['platform_instructions', 'GET', '/instructions', 'query failed', undefined],
    ['platform_instructions', 'GET', '/instructions?workspace_id=:ws', 'query failed', undefined],
    [
      'platform_instructions',
      'POST',
      '/instructions',
      'insert failed',
      { scope: 'global', title: 't', content: 'c' },
    ],
    ['platform_instructions', 'PUT', '/instructions/:instruction', 'update failed', { title: 'x' }],
    ['platform_instructions', 'DELETE', '/instructions/:instruction', 'delete failed', undefined],
    [
      'platform_instructions',
      'GET',
      '/workspaces/:ws/instructions/resolve',
      'query failed',
      undefined,
    ],
    ['workspace_token_usage', 'GET', '/workspaces/:ws/metrics', 'query failed', undefined],
  ];

  const fill = (path: string) =>
    path
      .replace(':ws', ws)
      .replace(':approval', approval)
      .replace(':instruction', instruction)
      .replace(':random', randomUUID());

  it.each(cases)('without %s, %s %s → 500 %j', async (table, method, path, error, body) => {
    await db.query(`ALTER TABLE ${table} RENAME TO ${table}_away`);
    try {
      const res = await app.http.withBearer(ADMIN_TOKEN).request(method, fill(path), { body });
      expect([res.status, res.body]).toEqual([500, { error }]);
      expect(res.text).not.toMatch(/relation|does not exist|_away/);
    } finally {
      await db.query(`ALTER TABLE ${table}_away RENAME TO ${table}`);
    }
  });

  it('an import counts entries it could not write as errors', async () => {
    await insertWorkspace(db, { name: 'import-target' });
    await db.query('ALTER TABLE agent_memories RENAME TO agent_memories_away');
    try {
      const res = await app.http
        .withBearer(ADMIN_TOKEN)
        .post('/admin/memories/import', [
          { workspace_name: 'import-target', content: 'x', scope: 'LOCAL' },
        ]);
      expect([res.status, res.body]).toEqual([
        200,
        { imported: 0, skipped: 0, errors: 1, total: 1 },
      ]);
    } finally {
      await db.query('ALTER TABLE agent_memories_away RENAME TO agent_memories');
    }
  });

  it('every route works again once the table is back', async () => {
    const res = await app.http
      .withBearer(ADMIN_TOKEN)
      .post(`/workspaces/${ws}/memories`, { content: 'back', scope: 'LOCAL' });
    expect(res.status).toBe(201);
  });
});
