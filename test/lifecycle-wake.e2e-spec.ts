import { RestartContextDeliveries } from '../src/workspaces/lifecycle/restart-context-deliveries';
import { TestAgent, useTestAgents } from './support/agents';
import { eventually } from './support/eventually';
import { FakeDocker } from './support/fake-compute';
import {
  insertProvisionedWorkspace,
  lifecycleRow,
  settled,
  useComputeApp,
} from './support/lifecycle';
import { useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'lifecycle-wake-admin';

const canvasMessage = (text: string) => ({
  method: 'message/send',
  params: { message: { role: 'user', parts: [{ kind: 'text', text }] } },
});

describe('wake on A2A and the restart-context message', () => {
  const db = useTestDatabase();
  const docker = new FakeDocker();
  // Dev mode lets the proxy reach agents on loopback; ADMIN_TOKEN keeps auth closed.
  const app = useComputeApp(db, { MOLECULE_ENV: 'development', ADMIN_TOKEN }, { docker });
  const agents = useTestAgents();
  const admin = () => app.http.withBearer(ADMIN_TOKEN);

  /** The stand-in runtime's part: register with the token its container got in /configs. */
  async function registerFromContainer(id: string, agent: TestAgent): Promise<void> {
    const token = docker.containers.get(id)!.spec.configFiles!['.auth_token'];
    const res = await app.http
      .withBearer(token)
      .post('/registry/register', { id, url: agent.url, agent_card: { name: 'stand-in' } });
    expect(res.status).toBe(200);
  }

  /** A running workspace whose config volume holds a config.yaml, served by `agent`. */
  async function workspaceFor(agent: TestAgent, status = 'online'): Promise<string> {
    return insertProvisionedWorkspace(db, docker, { name: 'Sleeper', url: agent.url, status });
  }

  const contextRequests = (agent: TestAgent) =>
    agent.requests.filter(
      (r) => r.method === 'POST' && r.body?.params?.message?.metadata?.kind === 'restart_context',
    );

  it('a restarted workspace gets the restart context once its agent is back online', async () => {
    const agent = await agents.start();
    docker.urlFor = () => agent.url;
    const id = await workspaceFor(agent);
    await db.query(
      `UPDATE workspaces SET last_heartbeat_at = now() - interval '3 minutes' WHERE id = $1`,
      [id],
    );
    await db.query(
      `INSERT INTO workspace_secrets (workspace_id, key, encrypted_value, encryption_version)
       VALUES ($1, 'ZETA_KEY', 'z', 0), ($1, 'ALPHA_KEY', 'a', 0)`,
      [id],
    );
    expect((await admin().post(`/workspaces/${id}/restart`)).status).toBe(200);
    await settled(db, id);
    expect(contextRequests(agent)).toEqual([]);

    await registerFromContainer(id, agent);
    const [request] = await eventually(
      async () => (contextRequests(agent).length > 0 ? contextRequests(agent) : undefined),
      'the restart context to reach the agent',
    );
    const message = request.body.params.message;
    expect(request.body).toMatchObject({ jsonrpc: '2.0', method: 'message/send' });
    expect(message).toMatchObject({
      role: 'user',
      messageId: expect.any(String),
      metadata: { source: 'platform', kind: 'restart_context', layer: 1, restart_context: true },
    });
    const lines = (message.parts[0].text as string).split('\n');
    expect(lines[0]).toBe('=== WORKSPACE RESTART CONTEXT ===');
    expect(lines[1]).toMatch(/^Restart at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(lines[2]).toMatch(/^Previous session ended: \S+Z \(3m\d+s ago\)$/);
    expect(lines.slice(3)).toEqual([
      'Env vars now available: ALPHA_KEY, ZETA_KEY',
      '=== END RESTART CONTEXT ===',
      '',
    ]);
    // A notice, not a conversation: no activity row for it.
    const rows = await db.query(
      `SELECT 1 FROM activity_logs WHERE workspace_id = $1 AND source_id = 'system:restart-context'`,
      [id],
    );
    expect(rows).toEqual([]);
  });

  it('a hibernated workspace wakes on the next A2A message and answers once it is back', async () => {
    const agent = await agents.start({ text: 'awake' });
    docker.urlFor = () => agent.url;
    const id = await workspaceFor(agent, 'hibernated');
    await db.query(`UPDATE workspaces SET url = '' WHERE id = $1`, [id]);

    const first = await app.http.post(`/workspaces/${id}/a2a`, canvasMessage('wake up'));
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('15');
    expect(first.body).toEqual({
      error: 'workspace is waking from hibernation — retry in ~15 seconds',
      waking: true,
      retry_after: 15,
    });
    const row = await settled(db, id);
    expect(row).toMatchObject({ status: 'provisioning', desired_state: 'running' });
    expect(docker.containers.get(id)?.running).toBe(true);

    // The container's URL is known as soon as it started: the next message goes through,
    // and the workspace was woken once.
    const reply = await app.http.post(`/workspaces/${id}/a2a`, canvasMessage('hello'));
    expect(reply.status).toBe(200);
    expect(reply.body.result.parts).toEqual([{ kind: 'text', text: 'awake' }]);
    await registerFromContainer(id, agent);
    expect(await lifecycleRow(db, id)).toMatchObject({
      status: 'online',
      desired_generation: row.desired_generation,
    });
  });

  it('resume and create schedule no restart context; restart and auto-restart do', async () => {
    const scheduled: string[] = [];
    app.get(RestartContextDeliveries).on((id) => void scheduled.push(id));
    const agent = await agents.start();
    docker.urlFor = () => agent.url;

    const paused = await workspaceFor(agent, 'paused');
    expect((await admin().post(`/workspaces/${paused}/resume`)).status).toBe(200);
    const created = (await admin().post('/workspaces', { name: 'New' })).body.id as string;
    const restarted = await workspaceFor(agent);
    await admin().post(`/workspaces/${restarted}/restart`);
    const secretChanged = await workspaceFor(agent);
    await admin().put(`/workspaces/${secretChanged}/secrets`, { key: 'K', value: 'v' });
    for (const id of [paused, created, restarted]) await settled(db, id);
    await settled(db, secretChanged, { after: 0 });
    // Scheduled in the cycle, before its outcome is recorded: all of it has happened by now.
    await new Promise((resolve) => setImmediate(resolve));
    expect(scheduled.sort()).toEqual([restarted, secretChanged].sort());
  });
});
