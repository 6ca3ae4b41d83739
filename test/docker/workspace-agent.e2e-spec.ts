import { ComputeBackends } from '../../src/provisioner/compute-backends';
import { eventually } from '../support/eventually';
import { insertToken, insertWorkspace } from '../support/factories';
import { useTestDatabase } from '../support/test-database';
import { describeDocker, ensureStandInImage, useDockerScope, useDockerTestApp } from './support';

/**
 * End to end with the real Docker backend: the app selects it from its env (host network,
 * the test image registry, a scope of its own), a provisioned container's stand-in agent
 * registers with the token it finds in /configs, heartbeats, and answers A2A through the proxy.
 */
describeDocker('a workspace container on the real Docker backend', () => {
  const db = useTestDatabase();
  const scope = useDockerScope();
  const app = useDockerTestApp(db, scope, {
    // Dev mode lets the outbound guard reach agents on loopback; ADMIN_TOKEN keeps auth closed.
    MOLECULE_ENV: 'development',
    ADMIN_TOKEN: 'docker-e2e-admin',
  });

  beforeAll(async () => {
    await ensureStandInImage();
  }, 120_000);

  it('registers with the token from /configs, goes online, and answers A2A through the proxy', async () => {
    const docker = app.get(ComputeBackends).docker!;
    expect(docker).toBeDefined();
    expect(await docker.ping()).toBe(true);
    const id = await insertWorkspace(db, { name: 'Echo', status: 'provisioning', tier: 2 });
    const token = await insertToken(db, id);

    const url = await docker.start({
      workspaceId: id,
      name: 'Echo',
      tier: 2,
      runtime: 'langgraph',
      platformUrl: app.baseUrl,
      env: { HEARTBEAT_INTERVAL_MS: '200' },
      configFiles: {
        'config.yaml': 'name: "Echo"\nruntime: langgraph\n',
        '.auth_token': token,
      },
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // What the provisioning flow does with the answer.
    await db.query(`UPDATE workspaces SET url = $2 WHERE id = $1`, [id, url]);

    const online = await eventually(async () => {
      const [row] = await db.query<{ status: string; url: string; internal_url: string }>(
        `SELECT status, url, internal_url FROM workspaces WHERE id = $1`,
        [id],
      );
      return row.status === 'online' ? row : undefined;
    }, 'the stand-in agent to register');
    // The provisioner's loopback URL stays the workspace URL; the agent's own is internal.
    expect(online.url).toBe(url);
    expect(online.internal_url).toBe(url.replace('127.0.0.1', 'localhost'));
    // It registered with the pre-written token: no second token was minted.
    const tokens = await db.query(`SELECT 1 FROM workspace_auth_tokens WHERE workspace_id = $1`, [
      id,
    ]);
    expect(tokens).toHaveLength(1);

    const [before] = await db.query<{ t: Date }>(
      `SELECT last_heartbeat_at AS t FROM workspaces WHERE id = $1`,
      [id],
    );
    await eventually(async () => {
      const [row] = await db.query<{ t: Date }>(
        `SELECT last_heartbeat_at AS t FROM workspaces WHERE id = $1`,
        [id],
      );
      return row.t.getTime() > before.t.getTime() ? true : undefined;
    }, 'a heartbeat');

    const res = await app.http.post(`/workspaces/${id}/a2a`, {
      method: 'message/send',
      params: { message: { role: 'user', parts: [{ kind: 'text', text: 'hello container' }] } },
    });
    expect(res.status).toBe(200);
    expect(res.body.result.parts[0].text).toBe('echo: hello container');

    const seen = (await (await fetch(`${url}/__stand_in/requests`)).json()) as {
      method: string;
      path: string;
    }[];
    expect(seen).toContainEqual(expect.objectContaining({ method: 'POST', path: '/' }));

    await docker.stop(id);
    expect(await docker.isRunning(id)).toBe(false);
  });
});
