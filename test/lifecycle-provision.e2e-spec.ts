import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashToken } from '../src/common/auth/token-codec';
import { ProvisioningService } from '../src/workspaces/provisioning/provisioning.service';
import { FakeControlPlane, FakeDocker } from './support/fake-compute';
import { insertToken, insertWorkspace } from './support/factories';
import {
  lifecycleRow,
  liveTokenHashes,
  recordedEvents,
  settled,
  useComputeApp,
} from './support/lifecycle';
import { TestDatabase, useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'lifecycle-provision-admin';
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

const fixtureRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-provision-'));
const CONFIGS_DIR = path.join(fixtureRoot, 'templates');
writeFixture('templates/reviewer/config.yaml', ['name: Reviewer', 'runtime: claude-code']);
writeFixture('templates/crewai-default/config.yaml', ['name: Crew default', 'runtime: crewai']);

function writeFixture(relative: string, lines: string[]): void {
  const file = path.join(fixtureRoot, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

const BASE_ENV = {
  ADMIN_TOKEN,
  CONFIGS_DIR,
  PLATFORM_URL: 'http://platform.internal:8080',
  AWARENESS_URL: 'http://awareness.internal:7000',
};

/** A global secret straight into the table (the API would also restart every workspace). */
async function insertGlobalSecret(db: TestDatabase, key: string, value: string): Promise<void> {
  await db.query(
    `INSERT INTO global_secrets (key, encrypted_value, encryption_version) VALUES ($1, $2, 0)`,
    [key, Buffer.from(value)],
  );
}

describe('provisioning (Docker)', () => {
  const db = useTestDatabase();
  const docker = new FakeDocker();
  const app = useComputeApp(db, BASE_ENV, { docker });
  const admin = () => app.http.withBearer(ADMIN_TOKEN);

  async function create(body: Record<string, unknown>): Promise<string> {
    const res = await admin().post('/workspaces', body);
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('provisioning');
    return res.body.id as string;
  }

  it('create: 201 provisioning, then a container with the generated config, a token and the inbound secret', async () => {
    const res = await admin().post('/workspaces', { name: 'Alpha Beta' });
    expect(res.status).toBe(201);
    const id: string = res.body.id;
    expect(res.body).toEqual({
      id,
      status: 'provisioning',
      awareness_namespace: `workspace:${id}`,
      workspace_access: 'none',
    });

    const row = await settled(db, id);
    expect(row).toMatchObject({
      status: 'provisioning',
      url: 'http://127.0.0.1:1',
      internal_url: null,
      desired_state: 'running',
      observed_state: 'running',
      provision_request: null,
    });
    const { spec } = docker.containers.get(id)!;
    const token = spec.configFiles!['.auth_token'];
    expect(token).toMatch(TOKEN_FORMAT);
    expect(spec).toEqual({
      workspaceId: id,
      name: 'Alpha Beta',
      tier: 3,
      runtime: 'langgraph',
      platformUrl: 'http://platform.internal:8080',
      env: {
        GIT_AUTHOR_NAME: 'Molecule AI Alpha Beta',
        GIT_COMMITTER_NAME: 'Molecule AI Alpha Beta',
        GIT_AUTHOR_EMAIL: 'alpha-beta@agents.moleculesai.app',
        GIT_COMMITTER_EMAIL: 'alpha-beta@agents.moleculesai.app',
        MOLECULE_WORKSPACE_TOKEN: token,
      },
      workspaceDir: undefined,
      workspaceAccess: 'none',
      awareness: { url: 'http://awareness.internal:7000', namespace: `workspace:${id}` },
      templatePath: undefined,
      configFiles: {
        'config.yaml': [
          'name: "Alpha Beta"',
          'description: ""',
          'version: 1.0.0',
          'tier: 3',
          'runtime: langgraph',
          'model: "anthropic:claude-opus-4-7"',
          '',
        ].join('\n'),
        '.auth_token': token,
        '.platform_inbound_secret': row.platform_inbound_secret,
      },
      resetSession: false,
    });
    expect(row.platform_inbound_secret).toMatch(TOKEN_FORMAT);
    expect(row.platform_inbound_secret).not.toBe(token);
    // Only the hash is stored, and it is the workspace's only live token.
    expect(await liveTokenHashes(db, id)).toEqual([hashToken(token).toString('hex')]);
    expect(await recordedEvents(db, id)).toEqual([
      {
        event_type: 'WORKSPACE_PROVISIONING',
        payload: { name: 'Alpha Beta', tier: 3, runtime: 'langgraph' },
      },
    ]);

    // The stand-in agent registers with the token from /configs: online, URL kept.
    const registered = await app.http
      .withBearer(token)
      .post('/registry/register', { id, url: 'http://localhost:9100', agent_card: {} });
    expect(registered.status).toBe(200);
    expect(await lifecycleRow(db, id)).toMatchObject({
      status: 'online',
      url: 'http://127.0.0.1:1',
    });
  });

  it('assembles the env: global then workspace secrets, role, hermes model, awareness', async () => {
    await insertGlobalSecret(db, 'SHARED_KEY', 'from-global');
    await insertGlobalSecret(db, 'GLOBAL_ONLY', 'g');
    const id = await create({
      name: 'Hermes',
      role: 'Code reviewer',
      runtime: 'hermes',
      model: 'nous/hermes-4',
      secrets: { SHARED_KEY: 'from-workspace', GIT_AUTHOR_NAME: 'Custom Author' },
    });
    await settled(db, id);
    const { env, configFiles } = docker.containers.get(id)!.spec;
    expect(env).toMatchObject({
      SHARED_KEY: 'from-workspace',
      GLOBAL_ONLY: 'g',
      GIT_AUTHOR_NAME: 'Custom Author',
      GIT_COMMITTER_NAME: 'Molecule AI Hermes',
      HERMES_DEFAULT_MODEL: 'nous/hermes-4',
      MOLECULE_AGENT_ROLE: 'Code reviewer',
    });
    expect(configFiles!['config.yaml']).toBe(
      [
        'name: "Hermes"',
        'description: "Code reviewer"',
        'version: 1.0.0',
        'tier: 3',
        'runtime: hermes',
        'model: "nous/hermes-4"',
        'runtime_config:',
        '  timeout: 0',
        '',
      ].join('\n'),
    );
    await db.query(`DELETE FROM global_secrets`);
  });

  it('a named template is copied; a missing one falls back to <runtime>-default', async () => {
    const named = await create({ name: 'From template', template: 'reviewer' });
    const fallback = await create({ name: 'Fallback', template: 'nope', runtime: 'crewai' });
    await settled(db, named);
    await settled(db, fallback);
    const namedSpec = docker.containers.get(named)!.spec;
    expect(namedSpec.templatePath).toBe(path.join(CONFIGS_DIR, 'reviewer'));
    expect(namedSpec.runtime).toBe('claude-code');
    expect(Object.keys(namedSpec.configFiles!).sort()).toEqual([
      '.auth_token',
      '.platform_inbound_secret',
    ]);
    expect(docker.containers.get(fallback)!.spec.templatePath).toBe(
      path.join(CONFIGS_DIR, 'crewai-default'),
    );
  });

  it('every provision rotates the credentials: old tokens revoked, a new token and secret', async () => {
    const id = await create({ name: 'Rotating' });
    const first = await settled(db, id);
    const firstToken = docker.containers.get(id)!.spec.configFiles!['.auth_token'];
    const stale = await insertToken(db, id);
    await db.query(`UPDATE workspaces SET internal_url = 'http://ws-old:8000' WHERE id = $1`, [id]);
    docker.calls.length = 0;

    const res = await admin().post(`/workspaces/${id}/restart`);
    expect(res.status).toBe(200);
    const second = await settled(db, id);
    const secondToken = docker.containers.get(id)!.spec.configFiles!['.auth_token'];
    expect(secondToken).not.toBe(firstToken);
    expect(await liveTokenHashes(db, id)).toEqual([hashToken(secondToken).toString('hex')]);
    expect(hashToken(stale)).not.toEqual(hashToken(secondToken));
    expect(second.platform_inbound_secret).not.toBe(first.platform_inbound_secret);
    expect(second.internal_url).toBeNull();
    // The restart reads the runtime from /configs, checks the volume still has a config.yaml,
    // and starts the new container (the engine's start replaces the old one).
    expect(docker.calls.filter((c) => c.endsWith(id))).toEqual([
      `readConfigFile ${id}`,
      `configVolumeHasFile ${id}`,
      `start ${id}`,
    ]);
  });

  it('ProvisioningService.provisionNew is the entry point for rows inserted by other modules', async () => {
    const id = await insertWorkspace(db, { name: 'Imported', status: 'provisioning' });
    const outcome = await app.get(ProvisioningService).provisionNew({
      workspaceId: id,
      name: 'Imported',
      tier: 2,
      runtime: 'langgraph',
      template: '',
      configFiles: { 'config.yaml': 'name: Imported\n', 'prompts/system.md': 'hi' },
    });
    expect(outcome).toBe('provisioning');
    await settled(db, id);
    expect(docker.containers.get(id)!.spec.configFiles).toMatchObject({
      'config.yaml': 'name: Imported\n',
      'prompts/system.md': 'hi',
    });
  });
});

describe('provisioning (control plane)', () => {
  const db = useTestDatabase();
  const cp = new FakeControlPlane();
  const app = useComputeApp(db, BASE_ENV, { controlPlane: cp });

  it('starts an instance with the env, stores its id and the inbound secret, mints no token', async () => {
    await insertGlobalSecret(db, 'API_KEY', 'k');
    const res = await app.http.withBearer(ADMIN_TOKEN).post('/workspaces', { name: 'Remote' });
    expect(res.status).toBe(201);
    const id: string = res.body.id;
    const row = await settled(db, id);
    expect(row).toMatchObject({ status: 'provisioning', instance_id: `i-${id.slice(0, 12)}` });
    expect(row.platform_inbound_secret).toMatch(TOKEN_FORMAT);
    const { spec } = cp.instances.get(id)!;
    expect(spec.env).toEqual({
      API_KEY: 'k',
      GIT_AUTHOR_NAME: 'Molecule AI Remote',
      GIT_COMMITTER_NAME: 'Molecule AI Remote',
      GIT_AUTHOR_EMAIL: 'remote@agents.moleculesai.app',
      GIT_COMMITTER_EMAIL: 'remote@agents.moleculesai.app',
    });
    expect(spec.configFiles).toBeUndefined();
    // The VM's first register mints its token (spec 04 §4.8).
    expect(await liveTokenHashes(db, id)).toEqual([]);
  });
});
