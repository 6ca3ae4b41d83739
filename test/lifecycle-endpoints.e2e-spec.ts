import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ComputeBackends } from '../src/provisioner/compute-backends';
import { AutoRestart } from '../src/workspaces/lifecycle/auto-restart';
import { DesiredStateRepository } from '../src/workspaces/lifecycle/desired-state.repository';
import { Reconciler } from '../src/workspaces/lifecycle/reconciler';
import { WorkspaceRepository } from '../src/workspaces/workspace.repository';
import { FakeControlPlane, FakeDocker } from './support/fake-compute';
import { insertToken, insertWorkspace } from './support/factories';
import { lifecycleRow, recordedEvents, settled, useComputeApp } from './support/lifecycle';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'lifecycle-endpoints-admin';

const fixtureRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-endpoints-'));
const CONFIGS_DIR = path.join(fixtureRoot, 'templates');
for (const [dir, config] of [
  ['reviewer', 'name: Reviewer\nruntime: claude-code\n'],
  ['research-lead', 'name: Some other name\n'],
  ['by-config-name', 'name: Night Owl\n'],
  ['langgraph-default', 'runtime: langgraph\n'],
  ['org-templates/acme-bot', 'name: Acme Bot\n'],
]) {
  fs.mkdirSync(path.join(CONFIGS_DIR, dir), { recursive: true });
  fs.writeFileSync(path.join(CONFIGS_DIR, dir, 'config.yaml'), config);
}

const ENV = { ADMIN_TOKEN, CONFIGS_DIR };

const events = async (db: TestDatabase, id: string, type: string) =>
  (await recordedEvents(db, id)).filter((e) => e.event_type === type).map((e) => e.payload);

describe('lifecycle endpoints (Docker)', () => {
  const db = useTestDatabase();
  const docker = new FakeDocker();
  const app = useComputeApp(db, ENV, { docker });
  const admin = () => app.http.withBearer(ADMIN_TOKEN);

  /** A provisioned, running workspace (its config volume holds a config.yaml). */
  async function running(seed: Parameters<typeof insertWorkspace>[1] = {}): Promise<string> {
    const id = await insertWorkspace(db, { url: 'http://127.0.0.1:1', ...seed });
    await docker.start({
      workspaceId: id,
      name: 'seed',
      tier: 2,
      runtime: seed.runtime ?? 'langgraph',
      platformUrl: '',
      env: {},
      configFiles: { 'config.yaml': `runtime: ${seed.runtime ?? 'langgraph'}\n` },
    });
    docker.calls.length = 0;
    return id;
  }

  describe('POST /workspaces/:id/restart', () => {
    it('answers provisioning at once, then recreates the container from the existing volume', async () => {
      const id = await running({ name: 'Restart me', tier: 2 });
      await db.query(`UPDATE workspaces SET internal_url = 'http://ws-x:8000' WHERE id = $1`, [id]);
      const res = await admin().post(`/workspaces/${id}/restart`);
      expect([res.status, res.body]).toEqual([
        200,
        { status: 'provisioning', config_dir: 'existing-volume', reset_session: false },
      ]);
      const row = await settled(db, id);
      expect(row).toMatchObject({ status: 'provisioning', internal_url: null });
      expect(docker.calls.filter((c) => c.endsWith(id))).toEqual([
        `readConfigFile ${id}`,
        `configVolumeHasFile ${id}`,
        `start ${id}`,
      ]);
      expect(docker.containers.get(id)!.spec.templatePath).toBeUndefined();
      expect(await events(db, id, 'WORKSPACE_PROVISIONING')).toEqual([
        { name: 'Restart me', tier: 2, runtime: 'langgraph' },
      ]);
    });

    it('takes the runtime the container’s config.yaml names, and stores it', async () => {
      const id = await running({ name: 'Switched' });
      docker.volumes.get(id)!.set('config.yaml', Buffer.from('name: x\n  runtime: claude-code\n'));
      await admin().post(`/workspaces/${id}/restart`);
      await settled(db, id);
      const [{ runtime }] = await db.query<{ runtime: string }>(
        'SELECT runtime FROM workspaces WHERE id = $1',
        [id],
      );
      expect(runtime).toBe('claude-code');
      expect(docker.containers.get(id)!.spec.runtime).toBe('claude-code');
      expect((await events(db, id, 'WORKSPACE_PROVISIONING'))[0]).toMatchObject({
        runtime: 'claude-code',
      });
    });

    it('ignores a runtime the server does not know (the file is the agent’s to write)', async () => {
      const id = await running();
      docker.volumes.get(id)!.set('config.yaml', Buffer.from('runtime: ../../etc\n'));
      await admin().post(`/workspaces/${id}/restart`);
      await settled(db, id);
      expect(docker.containers.get(id)!.spec.runtime).toBe('langgraph');
    });

    it.each([
      ['an explicit template', 'Plain', { template: 'reviewer' }, 'reviewer'],
      [
        'an explicit template over apply_template',
        'Research Lead',
        { template: 'reviewer', apply_template: true },
        'reviewer',
      ],
      [
        'apply_template: the directory named like the workspace',
        'Research Lead',
        { apply_template: true },
        'research-lead',
      ],
      [
        'rebuild_config: the org template',
        'Acme Bot',
        { rebuild_config: true },
        'org-templates/acme-bot',
      ],
      [
        'apply_template without a match: <runtime>-default',
        'Plain',
        { apply_template: true },
        'langgraph-default',
      ],
      ['a traversal template is ignored', 'Plain', { template: '../../etc' }, undefined],
      ['a missing template is ignored', 'Plain', { template: 'nope' }, undefined],
      [
        'a default restart never applies a template, even with a matching name',
        'Research Lead',
        {},
        undefined,
      ],
    ])('%s', async (_, name, body, template) => {
      const id = await running({ name });
      const res = await admin().post(`/workspaces/${id}/restart`, body);
      expect(res.body).toEqual({
        status: 'provisioning',
        config_dir: template ?? 'existing-volume',
        reset_session: false,
      });
      await settled(db, id);
      expect(docker.containers.get(id)!.spec.templatePath).toBe(
        template && path.join(CONFIGS_DIR, template),
      );
    });

    it('finds a template by the name in its config.yaml', async () => {
      const id = await running({ name: 'night owl' });
      const res = await admin().post(`/workspaces/${id}/restart`, { apply_template: true });
      expect(res.body.config_dir).toBe('by-config-name');
    });

    it.each([
      ['?reset=true', '?reset=true', undefined],
      ['a body reset', '', { reset: true }],
    ])('resets the session with %s', async (_, query, body) => {
      const id = await running();
      const res = await admin().post(`/workspaces/${id}/restart${query}`, body);
      expect(res.body.reset_session).toBe(true);
      await settled(db, id);
      expect(docker.containers.get(id)!.spec.resetSession).toBe(true);
    });

    it('ignores a body it cannot bind, as the reference did', async () => {
      const id = await running();
      for (const body of ['not json', '[1,2]', { reset: 'yes', template: 'reviewer' }]) {
        const res = await admin().post(`/workspaces/${id}/restart`, body);
        expect([res.status, res.body]).toEqual([
          200,
          { status: 'provisioning', config_dir: 'existing-volume', reset_session: false },
        ]);
      }
    });

    it('404s an unknown or removed workspace, 400s a malformed id, 401s without credentials', async () => {
      const removed = await insertWorkspace(db, { status: 'removed' });
      for (const id of [randomUUID(), removed]) {
        const res = await admin().post(`/workspaces/${id}/restart`);
        expect([res.status, res.body]).toEqual([404, { error: 'workspace not found' }]);
      }
      expect((await lifecycleRow(db, removed)).desired_state).toBe('removed');
      const bad = await admin().post('/workspaces/nope/restart');
      expect([bad.status, bad.body]).toEqual([400, { error: 'invalid workspace ID' }]);
      const id = await running();
      await insertToken(db, id);
      expect((await app.http.post(`/workspaces/${id}/restart`)).status).toBe(401);
    });

    it('restarts a failed workspace, and a paused one (it runs again)', async () => {
      const failed = await insertWorkspace(db, { status: 'failed' });
      const paused = await insertWorkspace(db, { status: 'paused' });
      for (const id of [failed, paused]) {
        docker.volumes.set(id, new Map([['config.yaml', Buffer.from('runtime: langgraph\n')]]));
        expect((await admin().post(`/workspaces/${id}/restart`)).status).toBe(200);
        expect(await settled(db, id)).toMatchObject({
          status: 'provisioning',
          desired_state: 'running',
        });
        expect(docker.containers.has(id)).toBe(true);
      }
    });
  });

  describe('POST /workspaces/:id/pause', () => {
    it('pauses the workspace and its live subtree: status at once, containers stopped, volumes kept', async () => {
      const root = await running({ name: 'Root' });
      const child = await running({ name: 'Child', parent_id: root });
      const grandchild = await running({ name: 'Grandchild', parent_id: child });
      const alreadyPaused = await insertWorkspace(db, { parent_id: root, status: 'paused' });
      const underPaused = await running({ parent_id: alreadyPaused });
      const removed = await insertWorkspace(db, { parent_id: root, status: 'removed' });

      const res = await admin().post(`/workspaces/${root}/pause`);
      expect([res.status, res.body]).toEqual([200, { status: 'paused', paused_count: 3 }]);
      for (const [id, name] of [
        [root, 'Root'],
        [child, 'Child'],
        [grandchild, 'Grandchild'],
      ]) {
        const row = await settled(db, id);
        expect(row).toMatchObject({ status: 'paused', url: '', observed_state: 'paused' });
        expect(docker.containers.has(id)).toBe(false);
        expect(docker.volumes.has(id)).toBe(true);
        expect(await events(db, id, 'WORKSPACE_PAUSED')).toEqual([{ name }]);
      }
      expect(docker.containers.has(underPaused)).toBe(true);
      expect((await lifecycleRow(db, underPaused)).status).toBe('online');
      expect((await lifecycleRow(db, removed)).status).toBe('removed');
    });

    it.each([
      ['unknown', async () => randomUUID()],
      ['already paused', () => insertWorkspace(db, { status: 'paused' })],
      ['removed', () => insertWorkspace(db, { status: 'removed' })],
    ])('404s a workspace that is %s', async (_, make) => {
      const res = await admin().post(`/workspaces/${await make()}/pause`);
      expect([res.status, res.body]).toEqual([
        404,
        { error: 'workspace not found or already paused' },
      ]);
    });
  });

  describe('POST /workspaces/:id/resume', () => {
    it('starts containers again for the workspace and its paused subtree, from their volumes', async () => {
      const root = await running({ name: 'R' });
      const child = await running({ name: 'C', parent_id: root });
      await admin().post(`/workspaces/${root}/pause`);
      await settled(db, root);
      await settled(db, child);
      docker.calls.length = 0;

      const res = await admin().post(`/workspaces/${root}/resume`);
      expect([res.status, res.body]).toEqual([200, { status: 'provisioning', resumed_count: 2 }]);
      for (const id of [root, child]) {
        const row = await settled(db, id);
        expect(row).toMatchObject({ status: 'provisioning', observed_state: 'running' });
        expect(docker.containers.get(id)!.spec.templatePath).toBeUndefined();
        expect(docker.calls).toContain(`start ${id}`);
      }
      expect((await events(db, root, 'WORKSPACE_PROVISIONING')).at(-1)).toEqual({
        name: 'R',
        tier: 1,
        runtime: 'langgraph',
      });
    });

    it('404s a workspace that is not paused', async () => {
      for (const id of [randomUUID(), await insertWorkspace(db)]) {
        const res = await admin().post(`/workspaces/${id}/resume`);
        expect([res.status, res.body]).toEqual([
          404,
          { error: 'workspace not found or not paused' },
        ]);
      }
    });
  });

  describe('POST /workspaces/:id/hibernate', () => {
    it('hibernates an idle workspace: hibernating at once, then stopped, hibernated, announced', async () => {
      const id = await running({ name: 'Sleepy', tier: 2 });
      const res = await admin().post(`/workspaces/${id}/hibernate`);
      expect([res.status, res.body]).toEqual([200, { status: 'hibernated' }]);
      const row = await settled(db, id);
      expect(row).toMatchObject({ status: 'hibernated', url: '', observed_state: 'hibernated' });
      expect(docker.containers.has(id)).toBe(false);
      expect(docker.volumes.has(id)).toBe(true);
      expect(await events(db, id, 'WORKSPACE_HIBERNATED')).toEqual([{ name: 'Sleepy', tier: 2 }]);
    });

    it('409s a busy workspace unless forced; force=true hibernates it', async () => {
      const id = await running({ active_tasks: 3 });
      const res = await admin().post(`/workspaces/${id}/hibernate`);
      expect([res.status, res.body]).toEqual([
        409,
        { error: 'workspace has active tasks; use ?force=true to terminate them', active_tasks: 3 },
      ]);
      expect(docker.containers.has(id)).toBe(true);
      const forced = await admin().post(`/workspaces/${id}/hibernate?force=true`);
      expect([forced.status, forced.body]).toEqual([200, { status: 'hibernated' }]);
      expect(await settled(db, id)).toMatchObject({ status: 'hibernated' });
      expect(docker.containers.has(id)).toBe(false);
    });

    it('of concurrent hibernations one wins: the container is stopped once', async () => {
      const id = await running();
      const replies = await Promise.all(
        [1, 2, 3].map(() => admin().post(`/workspaces/${id}/hibernate`)),
      );
      for (const r of replies) expect(r.status === 200 || r.status === 404).toBe(true);
      await settled(db, id);
      expect(docker.calls.filter((c) => c === `stop ${id}`)).toEqual([`stop ${id}`]);
      expect(await events(db, id, 'WORKSPACE_HIBERNATED')).toHaveLength(1);
    });

    it.each(['provisioning', 'offline', 'paused', 'hibernated', 'failed'])(
      '404s a %s workspace',
      async (status) => {
        const id = await insertWorkspace(db, { status });
        const res = await admin().post(`/workspaces/${id}/hibernate`);
        expect([res.status, res.body]).toEqual([
          404,
          {
            error:
              'workspace not found or not in a hibernatable state (must be online or degraded)',
          },
        ]);
      },
    );
  });

  describe('GET /workspaces/:id/console', () => {
    it('501s without a control plane', async () => {
      const res = await admin().get(`/workspaces/${randomUUID()}/console`);
      expect([res.status, res.body]).toEqual([
        501,
        { error: 'console output unavailable on this deployment (no control plane)' },
      ]);
    });

    it('needs an admin credential', async () => {
      const id = await insertWorkspace(db);
      const own = await insertToken(db, id);
      expect((await app.http.withBearer(own).get(`/workspaces/${id}/console`)).status).toBe(401);
    });
  });

  describe('POST /admin/workspaces/:id/bootstrap-failed', () => {
    it('fails a provisioning workspace with the error and the log tail, announced with its source', async () => {
      const id = await insertWorkspace(db, { status: 'provisioning' });
      const res = await admin().post(`/admin/workspaces/${id}/bootstrap-failed`, {
        error: '  cloud-init exited 1  ',
        log_tail: 'line 1\nline 2',
      });
      expect([res.status, res.body]).toEqual([200, { ok: true }]);
      expect(await lifecycleRow(db, id)).toMatchObject({
        status: 'failed',
        last_sample_error: 'cloud-init exited 1\n\nline 1\nline 2',
      });
      expect(await events(db, id, 'WORKSPACE_PROVISION_FAILED')).toEqual([
        { error: 'cloud-init exited 1', log_tail: 'line 1\nline 2', source: 'bootstrap_watcher' },
      ]);
    });

    it('keeps the last 8 KiB of an oversized tail and caps the stored text at 8 KiB', async () => {
      const id = await insertWorkspace(db, { status: 'provisioning' });
      const tail = 'é'.repeat(6000) + 'END';
      const res = await admin().post(`/admin/workspaces/${id}/bootstrap-failed`, {
        log_tail: tail,
      });
      expect(res.status).toBe(200);
      const [event] = await events(db, id, 'WORKSPACE_PROVISION_FAILED');
      const sent = event.log_tail as string;
      expect(sent.startsWith('...(truncated)...\n')).toBe(true);
      expect(sent.endsWith('éEND')).toBe(true);
      expect(Buffer.byteLength(sent.slice('...(truncated)...\n'.length))).toBeLessThanOrEqual(8192);
      expect(event.error).toBe('bootstrap failed — see log_tail');
      const stored = (await lifecycleRow(db, id)).last_sample_error!;
      expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(8192);
      expect(stored.startsWith('bootstrap failed — see log_tail\n\n...(truncated)...\n')).toBe(
        true,
      );
      expect(stored).not.toContain('\ufffd');
    });

    it('changes nothing for a workspace that is not provisioning', async () => {
      for (const id of [await insertWorkspace(db, { status: 'online' }), randomUUID()]) {
        const res = await admin().post(`/admin/workspaces/${id}/bootstrap-failed`, { error: 'x' });
        expect([res.status, res.body]).toEqual([200, { ok: true, no_change: true }]);
        expect(await events(db, id, 'WORKSPACE_PROVISION_FAILED')).toEqual([]);
      }
    });

    it.each([
      ['no body', undefined],
      ['malformed JSON', '{"error":'],
      ['an array', '[]'],
      ['a non-string error', { error: 42 }],
      ['a non-string log tail', { log_tail: ['a'] }],
    ])('400s %s', async (_, body) => {
      const id = await insertWorkspace(db, { status: 'provisioning' });
      const res = await admin().post(`/admin/workspaces/${id}/bootstrap-failed`, body);
      expect([res.status, res.body]).toEqual([400, { error: 'invalid request body' }]);
      expect((await lifecycleRow(db, id)).status).toBe('provisioning');
    });

    it('needs an admin credential', async () => {
      const id = await insertWorkspace(db, { status: 'provisioning' });
      const own = await insertToken(db, id);
      const res = await app.http
        .withBearer(own)
        .post(`/admin/workspaces/${id}/bootstrap-failed`, { error: 'x' });
      expect(res.status).toBe(401);
    });
  });
});

describe('lifecycle endpoints without a compute backend', () => {
  const db = useTestDatabase();
  const app = useComputeApp(db, ENV, {});
  const admin = () => app.http.withBearer(ADMIN_TOKEN);

  it('restart and resume answer 503; pause still pauses; nothing is auto-restarted', async () => {
    const id = await insertWorkspace(db);
    const restart = await admin().post(`/workspaces/${id}/restart`);
    expect([restart.status, restart.body]).toEqual([503, { error: 'provisioner not available' }]);
    const pause = await admin().post(`/workspaces/${id}/pause`);
    expect([pause.status, pause.body]).toEqual([200, { status: 'paused', paused_count: 1 }]);
    const resume = await admin().post(`/workspaces/${id}/resume`);
    expect([resume.status, resume.body]).toEqual([503, { error: 'provisioner not available' }]);
    expect(await settled(db, id)).toMatchObject({ status: 'paused', observed_state: 'paused' });
    const online = await insertWorkspace(db);
    expect(await app.get(AutoRestart).restart([online], 'test')).toEqual([]);
    expect((await lifecycleRow(db, online)).desired_generation).toBe(0);
  });
});

describe('a replica without compute', () => {
  const db = useTestDatabase();
  const app = useComputeApp(db, ENV, {});

  it('takes no unsettled workspace over in its scan (one with a backend will)', async () => {
    const id = await insertWorkspace(db);
    await db.query('UPDATE workspaces SET desired_generation = 1 WHERE id = $1', [id]);
    expect(await app.get(Reconciler).scan()).toBeUndefined();
    expect(await lifecycleRow(db, id)).toMatchObject({
      reconcile_owner: null,
      observed_generation: 0,
      status: 'online',
    });
  });
});

describe('lifecycle endpoints (control plane)', () => {
  const db = useTestDatabase();
  const cp = new FakeControlPlane();
  const app = useComputeApp(db, ENV, { controlPlane: cp });
  const admin = () => app.http.withBearer(ADMIN_TOKEN);

  it('restart, pause and hibernate act on the remote instance', async () => {
    const id = await insertWorkspace(db, { name: 'Remote' });
    await admin().post(`/workspaces/${id}/restart`);
    await settled(db, id);
    expect(cp.calls).toEqual([`stop ${id}`, `start ${id}`]);
    await db.query(`UPDATE workspaces SET status = 'online' WHERE id = $1`, [id]);
    await admin().post(`/workspaces/${id}/hibernate`);
    expect(await settled(db, id)).toMatchObject({ status: 'hibernated' });
    expect(cp.calls.at(-1)).toBe(`stop ${id}`);
    expect(cp.instances.has(id)).toBe(false);
    const other = await insertWorkspace(db);
    await admin().post(`/workspaces/${other}/pause`);
    await settled(db, other);
    expect(cp.calls.at(-1)).toBe(`stop ${other}`);
  });

  it('console: the control plane’s output, or 502 when it fails', async () => {
    const id = await insertWorkspace(db);
    cp.consoleOutput = 'boot ok\n';
    const res = await admin().get(`/workspaces/${id}/console`);
    expect([res.status, res.body]).toEqual([200, { output: 'boot ok\n' }]);
    cp.intercept('getConsoleOutput', () => {
      throw new Error('cp provisioner: console: unexpected 500 from https://cp.internal');
    });
    const failed = await admin().get(`/workspaces/${id}/console`);
    expect([failed.status, failed.body]).toEqual([
      502,
      { error: 'control plane returned an error fetching console output' },
    ]);
  });
});

describe('lifecycle endpoints when the database fails', () => {
  const db = useTestDatabase();
  class BrokenDesiredState extends DesiredStateRepository {
    override target(): Promise<never> {
      return Promise.reject(new Error('connection terminated'));
    }
  }
  class BrokenWorkspaces extends WorkspaceRepository {
    override markBootstrapFailed(): Promise<never> {
      return Promise.reject(new Error('connection terminated'));
    }
  }
  const docker = new FakeDocker();
  const app = useTestApp(db, ENV, [
    { provide: ComputeBackends, useValue: new ComputeBackends(docker, null) },
    { provide: DesiredStateRepository, useValue: new BrokenDesiredState(null as never) },
    { provide: WorkspaceRepository, useValue: new BrokenWorkspaces(null as never) },
  ]);

  it.each(['restart', 'pause', 'resume', 'hibernate'])(
    '%s answers 500 lookup failed',
    async (action) => {
      const res = await app.http
        .withBearer(ADMIN_TOKEN)
        .post(`/workspaces/${randomUUID()}/${action}`);
      expect([res.status, res.body]).toEqual([500, { error: 'lookup failed' }]);
    },
  );

  it('bootstrap-failed answers 500 db update failed', async () => {
    const res = await app.http
      .withBearer(ADMIN_TOKEN)
      .post(`/admin/workspaces/${randomUUID()}/bootstrap-failed`, { error: 'x' });
    expect([res.status, res.body]).toEqual([500, { error: 'db update failed' }]);
  });
});
