import { randomUUID } from 'node:crypto';
import { useTestAgents } from '../support/agents';
import { insertWorkspace } from '../support/factories';
import { useTestDatabase } from '../support/test-database';
import { WriteAudit } from '../support/write-audit';
import {
  HOSTILE_ADMIN_TOKEN,
  insertHostileCast,
  probe,
  useHostileApp,
} from './support/hostile-app';

/**
 * What the generated-input suites found, one case each, written out so that each stays fixed
 * whatever the generators draw next time.
 */
describe('hostile input: the cases the generators found', () => {
  const db = useTestDatabase();
  const app = useHostileApp(db);
  const agents = useTestAgents();
  let audit: WriteAudit;
  const admin = {
    Authorization: `Bearer ${HOSTILE_ADMIN_TOKEN}`,
    'Content-Type': 'application/json',
  };
  beforeAll(async () => {
    audit = await WriteAudit.install(db, app.app.getHttpServer());
  });

  /** Posts `body`; the hostile-input properties must hold whatever the answer. */
  const post = async (path: string, body: unknown) => {
    const { res, violations } = await probe(
      app.baseUrl,
      audit,
      { method: 'POST', path, headers: admin, body: JSON.stringify(body) },
      `POST ${path}`,
    );
    expect(violations).toEqual([]);
    return res;
  };

  it('a heartbeat integer its column cannot hold is a 400, not a failed write', async () => {
    const id = await insertWorkspace(db);
    for (const field of [
      { active_tasks: 1.8e118 },
      { active_tasks: 2 ** 31 },
      { uptime_seconds: -(2 ** 31) - 1 },
      { monthly_spend: 2 ** 60 },
      { runtime_metadata: { idle_timeout_seconds: 1e300 } },
    ]) {
      const res = await post('/registry/heartbeat', { workspace_id: id, ...field });
      expect({ field, status: res.status, error: res.error }).toEqual({
        field,
        status: 400,
        error: 'invalid request body',
      });
    }
    const res = await post('/registry/heartbeat', {
      workspace_id: id,
      active_tasks: 2 ** 31 - 1,
      monthly_spend: Number.MAX_SAFE_INTEGER,
    });
    expect(res.status).toBe(200);
  });

  it('a plugin source its resolver refuses is bad input (400), not a failed fetch (502)', async () => {
    const cast = await insertHostileCast(db, (await agents.start()).url);
    for (const [source, error] of [
      ['local://%s%s%s%n', 'invalid plugin name'],
      ["'; DROP TABLE workspaces; --", 'invalid plugin name'],
      ['local://Reviewer', 'invalid plugin name'],
      ['github://just-an-owner#v1', 'invalid plugin source'],
    ]) {
      const res = await post(`/workspaces/${cast.subject}/plugins`, { source });
      expect({ source, status: res.status, error: res.error }).toEqual({
        source,
        status: 400,
        error,
      });
    }
  });

  it('JSON nested deeper than 512 levels is a 400 on every JSON route, not a 500 from a blown stack', async () => {
    const id = await insertWorkspace(db);
    const deep = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    for (const [path, body] of [
      ['/workspaces', `{"name":"deep","canvas":${deep(20_000)}}`],
      ['/registry/heartbeat', `{"workspace_id":"${id}","runtime_metadata":${deep(600)}}`],
      [`/workspaces/${id}/activity`, `{"activity_type":"x","metadata":${deep(513)}}`],
      [`/workspaces/${id}/a2a`, `{"method":"message/send","params":${deep(5000)}}`],
      ['/org/tokens', `{"name":${deep(5000)}}`],
      ['/admin/memories/import', `[${deep(5000)}]`],
    ]) {
      const { res, violations } = await probe(
        app.baseUrl,
        audit,
        { method: 'POST', path, headers: admin, body },
        `POST ${path}`,
      );
      expect({ path, violations, status: res.status, error: res.error }).toEqual({
        path,
        violations: [],
        status: 400,
        error: 'invalid request body',
      });
    }
    const atTheLimit = await post(`/workspaces/${id}/activity`, {
      activity_type: 'agent_log',
      metadata: JSON.parse(deep(511)),
    });
    expect(atTheLimit.status).toBe(200);
  });

  it('reports about a workspace that has no row are 404, not a failed insert (500)', async () => {
    const unknown = randomUUID();
    for (const [path, body] of [
      [`/workspaces/${unknown}/activity`, { activity_type: 'agent_log', summary: 'x' }],
      [
        `/workspaces/${unknown}/delegations/record`,
        { target_id: randomUUID(), task: 't', delegation_id: randomUUID() },
      ],
    ] as const) {
      const res = await post(path, body);
      expect({ path, status: res.status, error: res.error }).toEqual({
        path,
        status: 404,
        error: 'workspace not found',
      });
    }
  });

  it('a template name or file path no file system can hold is a 400, not a failed mkdir (500)', async () => {
    for (const body of [
      { name: 'x'.repeat(300), files: { 'a.md': 'x' } },
      { name: 'fits', files: { ['y'.repeat(300) + '.md']: 'x' } },
      {
        name: 'fits-too',
        files: { [Array.from({ length: 700 }, () => 'dir').join('/') + '/a.md']: 'x' },
      },
    ]) {
      const res = await post('/templates/import', body);
      expect([res.status, res.error]).toEqual([400, 'invalid request body']);
    }
  });
});
