import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ComputeBackends } from '../src/provisioner/compute-backends';
import {
  ProvisioningService,
  ProvisionRequest,
} from '../src/workspaces/provisioning/provisioning.service';
import { insertWorkspace } from './support/factories';
import { FakeDocker } from './support/fake-compute';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'bundles-admin-token';
const AGENT_CARD = {
  name: 'Researcher',
  description: 'Finds things',
  version: '0.3.0',
  skills: [{ id: 'search', name: 'Search', tags: ['web'] }],
};

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bundles-e2e-'));
function write(relative: string, text: string): void {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}
// The host template the exporter falls back to when no backend holds the files.
write(
  'templates/researcher/config.yaml',
  'name: Researcher\nruntime: hermes\nmodel: nous/hermes-4\n',
);
write('templates/researcher/system-prompt.md', 'You research.\n');
write(
  'templates/researcher/skills/search/SKILL.md',
  '---\nname: search\n---\n# Search\nSearches the web.\n',
);
write('templates/researcher/skills/search/tool.py', 'print("search")\n');
write('templates/unrelated/config.yaml', 'name: Unrelated\n');
write('templates/unrelated/system-prompt.md', 'Not yours.\n');

async function countRows(db: TestDatabase): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM workspaces');
  return row.n;
}

describe('bundles', () => {
  const db = useTestDatabase();
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  describe('without a compute backend', () => {
    const t = useTestApp(db, {
      ADMIN_TOKEN,
      CONFIGS_DIR: path.join(root, 'templates'),
      SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    });
    const admin = () => t.http.withBearer(ADMIN_TOKEN);

    it('exports, deletes and imports back: new id, same name, tier, runtime, model, agent card', async () => {
      const id = await insertWorkspace(db, {
        name: 'Researcher',
        role: 'Finds things',
        tier: 2,
        runtime: 'hermes',
        agent_card: AGENT_CARD,
      });
      const child = await insertWorkspace(db, { name: 'Helper', tier: 1, parent_id: id });
      await insertWorkspace(db, { name: 'Gone', parent_id: id, status: 'removed' });
      expect(
        (await admin().put(`/workspaces/${id}/model`, { model: 'openrouter/custom' })).status,
      ).toBe(200);

      const exported = await admin().get(`/bundles/export/${id}`);
      expect(exported.status).toBe(200);
      expect(exported.body).toEqual({
        schema: '1.0',
        id,
        name: 'Researcher',
        description: 'Finds things',
        tier: 2,
        model: 'openrouter/custom',
        runtime: 'hermes',
        system_prompt: 'You research.\n',
        skills: [
          {
            id: 'search',
            name: 'search',
            description: 'Searches the web.',
            files: {
              'SKILL.md': '---\nname: search\n---\n# Search\nSearches the web.\n',
              'tool.py': 'print("search")\n',
            },
          },
        ],
        tools: [],
        prompts: { 'config.yaml': 'name: Researcher\nruntime: hermes\nmodel: nous/hermes-4\n' },
        sub_workspaces: [
          expect.objectContaining({
            id: child,
            name: 'Helper',
            tier: 1,
            runtime: 'langgraph',
            sub_workspaces: [],
          }),
        ],
        agent_card: AGENT_CARD,
        author: '',
        version: '1.0.0',
      });
      // The helper has no template of its own: it gets no files, not an unrelated template's.
      expect(exported.body.sub_workspaces[0]).toMatchObject({
        system_prompt: '',
        prompts: {},
        skills: [],
      });

      expect((await admin().delete(`/workspaces/${id}?confirm=true`)).status).toBe(200);

      const imported = await admin().post('/bundles/import', exported.body);
      expect(imported.status).toBe(201);
      // No backend in this app: provisioning fails, honestly.
      expect(imported.body).toEqual({
        workspace_id: expect.any(String),
        name: 'Researcher',
        status: 'failed',
        children: [{ workspace_id: expect.any(String), name: 'Helper', status: 'failed' }],
      });
      const newId = imported.body.workspace_id;
      expect(newId).not.toBe(id);

      const [row] = await db.query<Record<string, unknown>>(
        `SELECT name, role, tier, runtime, agent_card, source_bundle_id, awareness_namespace
           FROM workspaces WHERE id = $1`,
        [newId],
      );
      expect(row).toEqual({
        name: 'Researcher',
        role: 'Finds things',
        tier: 2,
        runtime: 'hermes',
        agent_card: AGENT_CARD,
        source_bundle_id: id,
        awareness_namespace: `workspace:${newId}`,
      });
      const [helper] = await db.query<{ parent_id: string; name: string }>(
        'SELECT parent_id, name FROM workspaces WHERE id = $1',
        [imported.body.children[0].workspace_id],
      );
      expect(helper).toEqual({ parent_id: newId, name: 'Helper' });

      const again = await admin().get(`/bundles/export/${newId}`);
      expect(again.body).toMatchObject({
        id: newId,
        name: 'Researcher',
        tier: 2,
        runtime: 'hermes',
        model: 'openrouter/custom',
        agent_card: AGENT_CARD,
      });
      const events = await db.query<{ payload: unknown }>(
        `SELECT payload FROM structure_events WHERE workspace_id = $1 AND event_type = 'WORKSPACE_PROVISIONING'`,
        [newId],
      );
      expect(events.map((e) => e.payload)).toEqual([
        { name: 'Researcher', tier: 2, source_bundle_id: id },
      ]);
    });

    it('derives the runtime from config.yaml and keeps tier 0 when the bundle says so', async () => {
      const res = await admin().post('/bundles/import', {
        name: 'Legacy',
        tier: 0,
        model: 'sonnet',
        prompts: { 'config.yaml': 'name: Legacy\nruntime: "claude-code"\nmodel: sonnet\n' },
      });
      expect(res.status).toBe(201);
      const [row] = await db.query<{ runtime: string; tier: number; agent_card: unknown }>(
        'SELECT runtime, tier, agent_card FROM workspaces WHERE id = $1',
        [res.body.workspace_id],
      );
      expect(row).toEqual({ runtime: 'claude-code', tier: 0, agent_card: null });
      const [secrets] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM workspace_secrets WHERE workspace_id = $1`,
        [res.body.workspace_id],
      );
      expect(secrets.n).toBe(0); // the model is config.yaml's own: no override stored
    });

    it.each([
      ['a body that is not JSON', 'not json'],
      ['a bundle without a name', { tier: 1 }],
      [
        'a skill path that escapes',
        { name: 'x', skills: [{ id: 's', files: { '../../etc/passwd': 'x' } }] },
      ],
      [
        'an absolute prompt path',
        { name: 'x', prompts: { '/etc/cron.d/evil': '* * * * * root x' } },
      ],
      ['a hostile child', { name: 'x', sub_workspaces: [{ name: 'ok' }, { name: 'bad\nname' }] }],
      ['a tier of the wrong type', { name: 'x', tier: 'high' }],
    ])('refuses %s with 400 invalid bundle, writing nothing', async (_label, body) => {
      const before = await countRows(db);
      const res = await admin().post('/bundles/import', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid bundle' });
      expect(await countRows(db)).toBe(before);
    });

    it('answers 404 for an unknown workspace and 400 for a malformed id', async () => {
      const unknown = await admin().get('/bundles/export/00000000-0000-4000-8000-000000000000');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ error: 'bundle not found' });
      const bad = await admin().get('/bundles/export/not-a-uuid');
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ error: 'invalid workspace ID' });
    });

    it('requires admin auth', async () => {
      expect(
        (await t.http.get('/bundles/export/00000000-0000-4000-8000-000000000000')).status,
      ).toBe(401);
      expect((await t.http.post('/bundles/import', { name: 'x' })).status).toBe(401);
    });
  });

  describe('with Docker', () => {
    const docker = new FakeDocker();
    const provisioned: ProvisionRequest[] = [];
    const t = useTestApp(db, { ADMIN_TOKEN, CONFIGS_DIR: path.join(root, 'templates') }, [
      { provide: ComputeBackends, useValue: new ComputeBackends(docker, null) },
      {
        provide: ProvisioningService,
        useValue: {
          provisionNew: async (request: ProvisionRequest) => {
            provisioned.push(request);
            return 'provisioning';
          },
        },
      },
    ]);
    const admin = () => t.http.withBearer(ADMIN_TOKEN);

    it("exports the workspace's own /configs and imports them as its new /configs", async () => {
      const id = await insertWorkspace(db, { name: 'Researcher', runtime: 'claude-code', tier: 3 });
      docker.volumes.set(
        id,
        new Map([
          ['config.yaml', Buffer.from('name: Researcher\nruntime: claude-code\n')],
          ['system-prompt.md', Buffer.from('Edited in the container.\n')],
          ['skills/notes/SKILL.md', Buffer.from('Takes notes.\n')],
          ['.auth_token', Buffer.from('never exported')],
        ]),
      );
      const exported = await admin().get(`/bundles/export/${id}`);
      expect(exported.status).toBe(200);
      expect(exported.body).toMatchObject({
        system_prompt: 'Edited in the container.\n',
        prompts: { 'config.yaml': 'name: Researcher\nruntime: claude-code\n' },
        skills: [
          { id: 'notes', description: 'Takes notes.', files: { 'SKILL.md': 'Takes notes.\n' } },
        ],
      });
      expect(exported.text).not.toContain('never exported');

      const imported = await admin().post('/bundles/import', exported.body);
      expect(imported.status).toBe(201);
      expect(imported.body).toEqual({
        workspace_id: expect.any(String),
        name: 'Researcher',
        status: 'provisioning',
      });
      expect(provisioned).toEqual([
        expect.objectContaining({
          workspaceId: imported.body.workspace_id,
          name: 'Researcher',
          tier: 3,
          runtime: 'claude-code',
          configFiles: {
            'config.yaml': 'name: Researcher\nruntime: claude-code\n',
            'system-prompt.md': 'Edited in the container.\n',
            'skills/notes/SKILL.md': 'Takes notes.\n',
          },
        }),
      ]);
    });

    it('falls back to the named template when the volume has no config.yaml', async () => {
      const id = await insertWorkspace(db, { name: 'Researcher' });
      const exported = await admin().get(`/bundles/export/${id}`);
      expect(exported.body.system_prompt).toBe('You research.\n');
    });
  });
});
