import { randomUUID } from 'node:crypto';
import { insertWorkspace } from './support/factories';
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
