import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ComputeBackends } from '../../src/provisioner/compute-backends';
import { RestartRequests } from '../../src/workspaces/lifecycle/restart-requests';
import { insertWorkspace } from '../support/factories';
import { settled } from '../support/lifecycle';
import { useTestDatabase } from '../support/test-database';
import {
  configsTreeAt,
  describeDocker,
  ensureStandInImage,
  testDocker,
  useDockerScope,
  useDockerTestApp,
} from './support';

const ADMIN_TOKEN = 'docker-plugins-admin';
const registry = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-plugins-'));
fs.mkdirSync(path.join(registry, 'reviewer/skills/review'), { recursive: true });
fs.writeFileSync(path.join(registry, 'reviewer/plugin.yaml'), 'version: 1.0.0\nskills: [review]\n');
fs.writeFileSync(path.join(registry, 'reviewer/skills/review/SKILL.md'), '# Review\n');

/**
 * Plugin install and uninstall against a real engine: the plugin lands in the running
 * container's /configs owned by the agent user, is listed from there, and goes away again.
 */
describeDocker('plugins on the real Docker backend', () => {
  const db = useTestDatabase();
  const scope = useDockerScope();
  const app = useDockerTestApp(db, scope, {
    ADMIN_TOKEN,
    PLUGINS_DIR: registry,
  });
  const admin = () => app.http.withBearer(ADMIN_TOKEN);
  const restarts: string[][] = [];

  beforeAll(async () => {
    // The workspace runs claude-code: the restarts install and uninstall ask for provision it.
    await ensureStandInImage({ runtimes: ['langgraph', 'claude-code'] });
    app.get(RestartRequests).on((ids) => {
      restarts.push([...ids]);
    });
  }, 120_000);
  afterAll(() => fs.rmSync(registry, { recursive: true, force: true }));

  it('installs into the running container as uid 1000, lists it, and uninstalls it', async () => {
    const id = await insertWorkspace(db, { name: 'Plugged', runtime: 'claude-code', tier: 2 });
    await app.get(ComputeBackends).docker!.start({
      workspaceId: id,
      name: 'Plugged',
      tier: 2,
      runtime: 'langgraph',
      platformUrl: 'http://127.0.0.1:9',
      env: {},
      configFiles: { 'config.yaml': 'name: "Plugged"\n', 'skills/review/SKILL.md': 'stale\n' },
    });
    const container = testDocker().getContainer(`ws-${id.slice(0, 12)}`);

    const installed = await admin().post(`/workspaces/${id}/plugins`, {
      source: 'local://reviewer',
    });
    expect(installed.status).toBe(200);
    expect(installed.body).toEqual({
      status: 'installed',
      plugin: 'reviewer',
      source: 'local://reviewer',
    });
    const tree = await configsTreeAt(container, '/configs/plugins');
    expect(tree.get('reviewer/plugin.yaml')).toMatchObject({
      type: 'file',
      uid: 1000,
      gid: 1000,
      content: 'version: 1.0.0\nskills: [review]\n',
    });
    expect(tree.get('reviewer/skills/review/SKILL.md')).toMatchObject({
      uid: 1000,
      content: '# Review\n',
    });
    expect(restarts).toContainEqual([id]);
    // The restart the install asked for recreates the container from the same volume.
    await settled(db, id, { after: 0, timeoutMs: 60_000 });

    const listed = await admin().get(`/workspaces/${id}/plugins`);
    expect(listed.body).toEqual([
      expect.objectContaining({ name: 'reviewer', version: '1.0.0', supported_on_runtime: true }),
    ]);

    const removed = await admin().delete(`/workspaces/${id}/plugins/reviewer`);
    expect(removed.status).toBe(200);
    await settled(db, id, { after: 1, timeoutMs: 60_000 });
    expect(await configsTreeAt(container, '/configs/plugins')).toEqual(new Map());
    await expect(configsTreeAt(container, '/configs/skills/review')).rejects.toMatchObject({
      statusCode: 404,
    });
    expect((await admin().get(`/workspaces/${id}/plugins`)).body).toEqual([]);
  });
});
