import { hashToken } from '../../src/common/auth/token-codec';
import { ComputeBackends } from '../../src/provisioner/compute-backends';
import { eventually } from '../support/eventually';
import { lifecycleRow, liveTokenHashes } from '../support/lifecycle';
import { useTestDatabase } from '../support/test-database';
import {
  describeDocker,
  ensureStandInImage,
  testDocker,
  useDockerScope,
  useDockerTestApp,
} from './support';

const ADMIN_TOKEN = 'docker-lifecycle-admin';
/** A real container and agent on a shared machine: generous. */
const WAIT_MS = 60_000;

const canvasMessage = (text: string) => ({
  method: 'message/send',
  params: { message: { role: 'user', parts: [{ kind: 'text', text }] } },
});

/**
 * Issue 7's "Done when" on a real engine, through the HTTP API and the real reconciler: the
 * stand-in agent image (docker import, host networking, 127.0.0.1 only) created, restarted,
 * paused and resumed, hibernated and woken, and deleted — each checked against the engine.
 */
describeDocker('workspace lifecycle on a real Docker engine', () => {
  const db = useTestDatabase();
  const scope = useDockerScope();
  const docker = testDocker();
  const app = useDockerTestApp(db, scope, {
    ADMIN_TOKEN,
    // Dev mode lets the proxy reach the agents on loopback.
    MOLECULE_ENV: 'development',
  });
  beforeAll(() => ensureStandInImage({ runtimes: ['langgraph'] }), 120_000);

  const admin = () => app.http.withBearer(ADMIN_TOKEN);
  const container = (id: string) => docker.getContainer(`ws-${id.slice(0, 12)}`);
  const volume = (id: string) => docker.getVolume(`ws-${id.slice(0, 12)}-configs`);
  const inspect = (id: string) =>
    container(id)
      .inspect()
      .catch(() => undefined);
  const gone = (id: string) =>
    eventually(async () => ((await inspect(id)) ? undefined : true), 'the container gone', WAIT_MS);
  const status = (id: string, wanted: string) =>
    eventually(
      async () => ((await lifecycleRow(db, id)).status === wanted ? true : undefined),
      `workspace ${id} ${wanted}`,
      WAIT_MS,
    );
  const echo = async (id: string, text: string) => {
    const res = await app.http.post(`/workspaces/${id}/a2a`, canvasMessage(text));
    expect(res.status).toBe(200);
    expect(res.body.result.parts[0].text).toBe(`echo: ${text}`);
  };

  let id: string;

  it('create → a labelled container with the token and inbound secret → registers → online → A2A', async () => {
    const res = await admin().post('/workspaces', { name: 'Docker stand-in', tier: 2 });
    expect([res.status, res.body.status]).toEqual([201, 'provisioning']);
    id = res.body.id;
    await status(id, 'online');

    const info = (await inspect(id))!;
    expect(info.State.Running).toBe(true);
    expect(info.Config.Labels['molecule.platform.managed']).toBe('true');
    const engine = app.get(ComputeBackends).docker!;
    const token = (await engine.readConfigFile(id, '.auth_token'))!.toString();
    expect(await liveTokenHashes(db, id)).toEqual([hashToken(token).toString('hex')]);
    const secret = (await engine.readConfigFile(id, '.platform_inbound_secret'))!.toString();
    expect(secret).toBe((await lifecycleRow(db, id)).platform_inbound_secret);
    await echo(id, 'hello');
  }, 120_000);

  it('restart recreates the container, and the agent comes back', async () => {
    const before = (await inspect(id))!.Id;
    const res = await admin().post(`/workspaces/${id}/restart`);
    expect(res.body).toEqual({
      status: 'provisioning',
      config_dir: 'existing-volume',
      reset_session: false,
    });
    await eventually(
      async () => {
        const info = await inspect(id);
        const row = await lifecycleRow(db, id);
        return info && info.Id !== before && row.status === 'online' ? true : undefined;
      },
      'a new container, online',
      WAIT_MS,
    );
    await echo(id, 'again');
  }, 120_000);

  it('pause stops the container (its volume stays); resume starts one again', async () => {
    const res = await admin().post(`/workspaces/${id}/pause`);
    expect(res.body).toEqual({ status: 'paused', paused_count: 1 });
    await gone(id);
    expect(await volume(id).inspect()).toBeDefined();
    expect((await lifecycleRow(db, id)).status).toBe('paused');

    const resumed = await admin().post(`/workspaces/${id}/resume`);
    expect(resumed.body).toEqual({ status: 'provisioning', resumed_count: 1 });
    await status(id, 'online');
    expect((await inspect(id))!.State.Running).toBe(true);
    await echo(id, 'resumed');
  }, 120_000);

  it('hibernate stops the container; the next A2A message wakes it', async () => {
    const res = await admin().post(`/workspaces/${id}/hibernate`);
    expect(res.body).toEqual({ status: 'hibernated' });
    await gone(id);
    await status(id, 'hibernated');
    const waking = await app.http.post(`/workspaces/${id}/a2a`, canvasMessage('wake'));
    expect([waking.status, waking.body.waking]).toEqual([503, true]);
    await status(id, 'online');
    await echo(id, 'awake');
  }, 120_000);

  it('delete removes the container and its config volume', async () => {
    const res = await admin().delete(`/workspaces/${id}`);
    expect([res.status, res.body]).toEqual([200, { status: 'removed', cascade_deleted: 0 }]);
    expect(await inspect(id)).toBeUndefined();
    await expect(volume(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(await liveTokenHashes(db, id)).toEqual([]);
  }, 120_000);
});
