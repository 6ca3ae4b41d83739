import { eventually } from '../support/eventually';
import { useTestDatabase } from '../support/test-database';
import {
  describeDocker,
  ensureStandInImage,
  testDocker,
  useDockerScope,
  useDockerTestApp,
} from './support';

const ADMIN_TOKEN = 'docker-files-lifecycle-admin';
const WAIT_MS = 60_000;

/**
 * The canvas's Config tab with the real lifecycle: Save (PUT /files/config.yaml) + Restart
 * (POST /restart) runs the agent with the edited file; Pause keeps the files reachable on the
 * config volume, and what is written meanwhile is there after Resume.
 */
describeDocker('the Config tab over the workspace lifecycle, on a real engine', () => {
  const db = useTestDatabase();
  const scope = useDockerScope();
  const app = useDockerTestApp(db, scope, {
    ADMIN_TOKEN,
    MOLECULE_ENV: 'development',
  });
  beforeAll(() => ensureStandInImage({ runtimes: ['langgraph'] }), 120_000);

  const admin = () => app.http.withBearer(ADMIN_TOKEN);
  const row = async (id: string) =>
    (
      await db.query<{ status: string; url: string | null }>(
        'SELECT status, url FROM workspaces WHERE id = $1',
        [id],
      )
    )[0];
  /** Online with a URL (other than `previous`: a restarted container gets a new port). */
  const online = (id: string, previous?: string) =>
    eventually(
      async () => {
        const r = await row(id);
        return r.status === 'online' && r.url && r.url !== previous ? r.url : undefined;
      },
      `workspace ${id} online`,
      WAIT_MS,
    );
  const config = (id: string) => `/workspaces/${id}/files/config.yaml`;

  let id: string;

  it('Save + Restart: the restarted agent runs with the edited config.yaml', async () => {
    const created = await admin().post('/workspaces', { name: 'Config tab', tier: 2 });
    id = created.body.id;
    const before = await online(id);
    expect((await fetch(`${before}/internal/chat/uploads/ingest`, { method: 'POST' })).status).toBe(
      404,
    );

    const current = (await admin().get(config(id))).body.content as string;
    const saved = await admin().put(config(id), { content: `${current}\nstand_in_ingest: true\n` });
    expect(saved.body).toEqual({ status: 'saved', path: 'config.yaml' });
    const restarted = await admin().post(`/workspaces/${id}/restart`);
    expect(restarted.body).toMatchObject({ status: 'provisioning', config_dir: 'existing-volume' });

    const after = await online(id, before);
    // The edited file is what the agent read: its ingest endpoint now exists (and wants the secret).
    const ingest = await fetch(`${after}/internal/chat/uploads/ingest`, { method: 'POST' });
    expect(ingest.status).toBe(401);
    expect((await admin().get(config(id))).body.content).toContain('stand_in_ingest: true');
  }, 180_000);

  it('Pause keeps the files reachable; a file written while paused is there after Resume', async () => {
    expect((await admin().post(`/workspaces/${id}/pause`)).body).toMatchObject({
      status: 'paused',
    });
    await eventually(
      async () => ((await row(id)).status === 'paused' ? true : undefined),
      'paused',
      WAIT_MS,
    );
    // Pause removes the container; the config volume stays.
    const container = testDocker().getContainer(`ws-${id.slice(0, 12)}`);
    await eventually(
      () =>
        container.inspect().then(
          () => undefined,
          () => true,
        ),
      'the container gone',
      WAIT_MS,
    );
    expect((await admin().get(config(id))).body.content).toContain('stand_in_ingest: true');
    await admin().put(`/workspaces/${id}/files/while-paused.md`, { content: 'noted while paused' });
    const listed = (await admin().get(`/workspaces/${id}/files`)).body as { path: string }[];
    expect(listed.map((e) => e.path)).toContain('while-paused.md');

    expect((await admin().post(`/workspaces/${id}/resume`)).body).toMatchObject({
      status: 'provisioning',
    });
    await online(id);
    expect((await admin().get(`/workspaces/${id}/files/while-paused.md`)).body.content).toBe(
      'noted while paused',
    );
  }, 180_000);
});
