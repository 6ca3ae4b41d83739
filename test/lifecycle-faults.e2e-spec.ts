import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENGINE_UNREACHABLE } from '../src/workspaces/lifecycle/actions/provision.action';
import { ProvisioningService } from '../src/workspaces/provisioning/provisioning.service';
import { eventually } from './support/eventually';
import { FakeClock } from './support/fake-clock';
import { FakeControlPlane, FakeDocker } from './support/fake-compute';
import { insertWorkspace } from './support/factories';
import { TestResponse } from './support/http-client';
import {
  expectNoLeak,
  lifecycleRow,
  liveTokenHashes,
  recordedEvents,
  settled,
  useComputeApp,
} from './support/lifecycle';
import { TestDatabase, useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';

const ADMIN_TOKEN = 'lifecycle-faults-admin';

// Planted in engine errors, secret names and control-plane errors: none may reach a reply, a
// broadcast or a stored error.
const DAEMON_MARKER = 'daemon-detail-b7e1';
const KEY_MARKER = 'LEAKY_KEY_NAME_4c2d';
const URL_MARKER = 'https://registry.internal.example/leak-91';
const MACHINE_MARKER = 'm7i.48xlarge-leak';
const MARKERS = [DAEMON_MARKER, KEY_MARKER, URL_MARKER, MACHINE_MARKER];

const NO_DOCKER_SAMPLE =
  'Docker not available — workspace containers require a Docker daemon or external provisioning.';

const fixtureRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-faults-'));
const CONFIGS_DIR = path.join(fixtureRoot, 'templates');
fs.mkdirSync(path.join(CONFIGS_DIR, 'crewai-default'), { recursive: true });
fs.writeFileSync(path.join(CONFIGS_DIR, 'crewai-default', 'config.yaml'), 'runtime: crewai\n');
fs.mkdirSync(path.join(fixtureRoot, 'outside'), { recursive: true });
fs.writeFileSync(path.join(fixtureRoot, 'outside', 'config.yaml'), 'runtime: escaped\n');

const ENV = { ADMIN_TOKEN, CONFIGS_DIR };

/** Everything the outside world saw of a workspace: replies, stored and live events, errors. */
async function exposure(
  db: TestDatabase,
  ws: TestWsClient,
  id: string,
  replies: TestResponse[],
): Promise<unknown[]> {
  const row = await lifecycleRow(db, id);
  return [
    ...replies.map((r) => r.text),
    ...(await recordedEvents(db, id)),
    ...ws.frames.filter((f) => f.workspace_id === id),
    row.last_sample_error,
    row.reconcile_error,
  ];
}

async function rowCounts(db: TestDatabase) {
  const [row] = await db.query<{ workspaces: number; tokens: number; events: number }>(
    `SELECT (SELECT count(*)::int FROM workspaces) AS workspaces,
            (SELECT count(*)::int FROM workspace_auth_tokens) AS tokens,
            (SELECT count(*)::int FROM structure_events) AS events`,
  );
  return row;
}

describe('provisioning faults (Docker)', () => {
  const db = useTestDatabase();
  const docker = new FakeDocker();
  const app = useComputeApp(db, ENV, { docker });
  const admin = () => app.http.withBearer(ADMIN_TOKEN);
  let ws: TestWsClient;

  beforeAll(async () => {
    ws = await TestWsClient.connect(app.baseUrl);
  });
  afterAll(() => ws.close());

  async function createFailing(body: Record<string, unknown>) {
    const res = await admin().post('/workspaces', body);
    expect([res.status, res.body.status]).toEqual([201, 'provisioning']);
    const id = res.body.id as string;
    const row = await settled(db, id);
    return { id, res, row };
  }

  it('an unreachable engine: failed, with the canned no-Docker reason, and tried again later', async () => {
    docker.reachable = false;
    docker.intercept('start', () => {
      throw new Error(`connect ENOENT /var/run/docker.sock (${DAEMON_MARKER})`);
    });
    const res = await admin().post('/workspaces', { name: 'No engine' });
    expect([res.status, res.body.status]).toEqual([201, 'provisioning']);
    const id = res.body.id as string;
    // Not settled: the attempt failed and backs off (test/docker/docker-faults: it comes back).
    const row = await eventually(async () => {
      const r = await lifecycleRow(db, id);
      return r.reconcile_error !== null && r.reconcile_owner === null ? r : undefined;
    }, 'the failed attempt recorded');
    expect(row).toMatchObject({
      status: 'failed',
      last_sample_error: NO_DOCKER_SAMPLE,
      reconcile_error: ENGINE_UNREACHABLE,
    });
    expect(row.observed_generation).toBeLessThan(row.desired_generation);
    expect((await recordedEvents(db, id)).at(-1)).toEqual({
      event_type: 'WORKSPACE_PROVISION_FAILED',
      payload: { error: 'Docker not available on this platform instance' },
    });
    expect(docker.containers.has(id)).toBe(false);
    expectNoLeak(await exposure(db, ws, id, [res]), MARKERS);
  });

  it.each([
    ['the image is missing', `Error response from daemon: No such image: ${URL_MARKER}:latest`],
    ['the engine refuses the create', `failed to create container: ${DAEMON_MARKER} conflict`],
    ['the engine refuses the start', `failed to start container: ${DAEMON_MARKER} OCI runtime`],
  ])('%s: failed, "workspace start failed", nothing left running', async (_, detail) => {
    docker.intercept('start', () => {
      throw new Error(detail);
    });
    const { id, res, row } = await createFailing({ name: 'Broken start' });
    expect(row).toMatchObject({
      status: 'failed',
      last_sample_error: 'workspace start failed',
      observed_state: 'failed',
    });
    expect((await recordedEvents(db, id)).at(-1)).toEqual({
      event_type: 'WORKSPACE_PROVISION_FAILED',
      payload: { error: 'workspace start failed' },
    });
    expect(docker.calls.filter((c) => c.endsWith(id)).slice(-2)).toEqual([
      `start ${id}`,
      `stop ${id}`,
    ]);
    expect(docker.containers.has(id)).toBe(false);
    expectNoLeak(await exposure(db, ws, id, [res]), MARKERS);
  });

  it('an undecryptable global secret: failed with the canned text, its name only in the logs', async () => {
    await db.query(
      `INSERT INTO global_secrets (key, encrypted_value, encryption_version) VALUES ($1, 'x', 1)`,
      [KEY_MARKER],
    );
    try {
      const { id, res, row } = await createFailing({ name: 'Bad global' });
      expect(row).toMatchObject({
        status: 'failed',
        last_sample_error: 'failed to decrypt global secret',
      });
      expect((await recordedEvents(db, id)).at(-1)?.payload).toEqual({
        error: 'failed to decrypt global secret',
      });
      expect(docker.containers.has(id)).toBe(false);
      expectNoLeak(await exposure(db, ws, id, [res]), MARKERS);
    } finally {
      await db.query(`DELETE FROM global_secrets`);
    }
  });

  it('an undecryptable workspace secret: failed with the canned text', async () => {
    const id = await insertWorkspace(db, { name: 'Bad own secret', status: 'online' });
    await db.query(
      `INSERT INTO workspace_secrets (workspace_id, key, encrypted_value, encryption_version)
       VALUES ($1, $2, 'x', 1)`,
      [id, KEY_MARKER],
    );
    const res = await admin().post(`/workspaces/${id}/restart`);
    expect(res.status).toBe(200);
    const row = await settled(db, id);
    expect(row).toMatchObject({
      status: 'failed',
      last_sample_error: 'failed to decrypt workspace secret',
    });
    expectNoLeak(await exposure(db, ws, id, [res]), MARKERS);
  });

  it('a missing required env var: failed with its message before anything starts; the secret fixes it', async () => {
    const id = await insertWorkspace(db, { name: 'Needs key', status: 'provisioning' });
    await app.get(ProvisioningService).provisionNew({
      workspaceId: id,
      name: 'Needs key',
      tier: 2,
      runtime: 'langgraph',
      template: '',
      configFiles: {
        'config.yaml': 'name: Needs key\nruntime_config:\n  required_env: [OPENAI_API_KEY]\n',
      },
    });
    const message =
      'missing required env var "OPENAI_API_KEY" — add it under Config → Env Vars (or as a Global secret) and retry';
    const row = await settled(db, id, { after: 0 });
    expect(row).toMatchObject({ status: 'failed', last_sample_error: message });
    expect((await recordedEvents(db, id)).at(-1)).toEqual({
      event_type: 'WORKSPACE_PROVISION_FAILED',
      payload: { error: message, missing: ['OPENAI_API_KEY'] },
    });
    expect(docker.calls.filter((c) => c === `start ${id}`)).toEqual([]);
    expect(await liveTokenHashes(db, id)).toEqual([]);

    // Saving the secret restarts the workspace, which now provisions with its config.
    const saved = await admin().post(`/workspaces/${id}/secrets`, {
      key: 'OPENAI_API_KEY',
      value: 'sk-test',
    });
    expect(saved.status).toBe(200);
    expect(await settled(db, id, { after: row.desired_generation })).toMatchObject({
      status: 'provisioning',
      observed_state: 'running',
    });
    expect(docker.containers.get(id)?.spec.env.OPENAI_API_KEY).toBe('sk-test');
  });

  it('an empty config volume with no template to recover from: failed with the spec message', async () => {
    const id = await insertWorkspace(db, { name: 'Empty volume', runtime: 'codex' });
    const res = await admin().post(`/workspaces/${id}/restart`);
    expect(res.body).toEqual({
      status: 'provisioning',
      config_dir: 'existing-volume',
      reset_session: false,
    });
    const row = await settled(db, id);
    const message = `cannot start workspace ${id}: no config.yaml source and config volume is empty — delete the workspace or provide a template`;
    expect(row).toMatchObject({ status: 'failed', last_sample_error: message });
    expect((await recordedEvents(db, id)).at(-1)?.payload).toEqual({ error: message });
    expect(docker.containers.has(id)).toBe(false);
  });

  it('an empty config volume is recovered from <runtime>-default', async () => {
    const id = await insertWorkspace(db, { name: 'Recovered', runtime: 'crewai' });
    expect((await admin().post(`/workspaces/${id}/restart`)).status).toBe(200);
    const row = await settled(db, id);
    expect(row.status).toBe('provisioning');
    expect(docker.containers.get(id)!.spec.templatePath).toBe(
      path.join(CONFIGS_DIR, 'crewai-default'),
    );
  });

  describe('bad input: the contract 4xx, nothing half-created', () => {
    it.each([
      [
        'a template outside the templates root',
        { name: 'x', template: '../outside' },
        'invalid template',
      ],
      ['an absolute template path', { name: 'x', template: '/etc' }, 'invalid template'],
      ['a tier that is not an integer', { name: 'x', tier: 'three' }, 'invalid workspace payload'],
      ['a tier beyond INTEGER', { name: 'x', tier: 2 ** 31 }, 'invalid workspace payload'],
      [
        'a runtime with a newline',
        { name: 'x', runtime: 'lang\ngraph' },
        'invalid workspace fields',
      ],
    ])('%s', async (_, body, error) => {
      const before = await rowCounts(db);
      const res = await admin().post('/workspaces', body);
      expect([res.status, res.body]).toEqual([400, { error }]);
      expect(await rowCounts(db)).toEqual(before);
      expect(docker.calls).toEqual([]);
    });

    it('an unknown runtime is stored as given and provisioned with the langgraph config', async () => {
      const res = await admin().post('/workspaces', { name: 'Odd', runtime: 'cobol' });
      expect(res.status).toBe(201);
      const id = res.body.id as string;
      await settled(db, id);
      const { spec } = docker.containers.get(id)!;
      expect(spec.runtime).toBe('cobol');
      expect(spec.configFiles!['config.yaml']).toContain('runtime: langgraph\n');
    });

    it('restart and resume under a paused ancestor: 409 naming it, nothing changed', async () => {
      const grandparent = await insertWorkspace(db, { name: 'Team "A"', status: 'paused' });
      const parent = await insertWorkspace(db, { name: 'Lead', parent_id: grandparent });
      const child = await insertWorkspace(db, { name: 'Worker', parent_id: parent });
      const pausedChild = await insertWorkspace(db, {
        name: 'Paused worker',
        parent_id: parent,
        status: 'paused',
      });
      const error = 'parent workspace "Team \\"A\\"" is paused — resume it first';
      const restart = await admin().post(`/workspaces/${child}/restart`);
      expect([restart.status, restart.body]).toEqual([409, { error }]);
      const resume = await admin().post(`/workspaces/${pausedChild}/resume`);
      expect([resume.status, resume.body]).toEqual([409, { error }]);
      for (const id of [child, pausedChild]) {
        expect(await lifecycleRow(db, id)).toMatchObject({ desired_generation: 0 });
      }
      expect(docker.calls).toEqual([]);
    });
  });
});

describe('provisioning faults (hung engine)', () => {
  const db = useTestDatabase();
  const clock = new FakeClock();
  const docker = new FakeDocker();
  const app = useComputeApp(db, ENV, { docker, clock });

  it('a start that never answers fails after 3 minutes; the workspace never stays provisioning', async () => {
    let entered!: () => void;
    const started = new Promise<void>((resolve) => (entered = resolve));
    docker.intercept('start', () => {
      entered();
      return new Promise<void>(() => undefined);
    });
    const res = await app.http.withBearer(ADMIN_TOKEN).post('/workspaces', { name: 'Hung' });
    const id = res.body.id as string;
    await started;
    clock.advance(3 * 60_000 - 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await lifecycleRow(db, id)).status).toBe('provisioning');
    clock.advance(1);
    const row = await settled(db, id);
    expect(row).toMatchObject({ status: 'failed', last_sample_error: 'workspace start failed' });
    expect(docker.calls.slice(-1)).toEqual([`stop ${id}`]);
  });
});

describe('provisioning faults (control plane)', () => {
  const db = useTestDatabase();
  const cp = new FakeControlPlane();
  const app = useComputeApp(db, ENV, { controlPlane: cp });

  it('a refused provision: failed, "provisioning failed", no machine type or URL anywhere', async () => {
    cp.intercept('start', () => {
      throw new Error(
        `cp provisioner: provision failed (500): no capacity for ${MACHINE_MARKER} at ${URL_MARKER}`,
      );
    });
    const ws = await TestWsClient.connect(app.baseUrl);
    try {
      const res = await app.http.withBearer(ADMIN_TOKEN).post('/workspaces', { name: 'Remote' });
      const id = res.body.id as string;
      const row = await settled(db, id);
      expect(row).toMatchObject({
        status: 'failed',
        last_sample_error: 'provisioning failed',
        instance_id: null,
      });
      expect((await recordedEvents(db, id)).at(-1)?.payload).toEqual({
        error: 'provisioning failed',
      });
      await ws.nextEvent('WORKSPACE_PROVISION_FAILED', id);
      expectNoLeak(await exposure(db, ws, id, [res]), MARKERS);
    } finally {
      ws.close();
    }
  });
});
