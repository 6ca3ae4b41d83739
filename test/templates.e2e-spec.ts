import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { insertOrgToken, insertToken, insertWorkspace } from './support/factories';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'templates-admin';

/** A templates dir with real templates plus everything the listing must skip. */
function fixtureTemplates(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-templates-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write(
    'b-hermes/config.yaml',
    [
      'name: Hermes',
      'description: Messenger agent',
      'tier: 2',
      'runtime: hermes',
      'skills: [search, summarise]',
      'runtime_config:',
      '  model: anthropic:claude-sonnet',
      '  required_env: [ANTHROPIC_API_KEY]',
      '  provision_timeout_seconds: 600',
      '  models:',
      '    - id: anthropic:claude-sonnet',
      '      name: Claude Sonnet',
      '      required_env: [ANTHROPIC_API_KEY]',
      '    - id: openai:gpt-4o',
    ].join('\n'),
  );
  write('a-legacy/config.yaml', 'name: Legacy\ntier: 1\nmodel: openai:gpt-4o\n');
  write('c-broken/config.yaml', 'name: [unterminated\n');
  write('d-no-config/README.md', 'not a template\n');
  write('stray-file.yaml', 'name: Stray\n');
  return root;
}

const HERMES = {
  id: 'b-hermes',
  name: 'Hermes',
  description: 'Messenger agent',
  tier: 2,
  runtime: 'hermes',
  model: 'anthropic:claude-sonnet',
  models: [
    {
      id: 'anthropic:claude-sonnet',
      name: 'Claude Sonnet',
      required_env: ['ANTHROPIC_API_KEY'],
    },
    { id: 'openai:gpt-4o' },
  ],
  required_env: ['ANTHROPIC_API_KEY'],
  skills: ['search', 'summarise'],
  skill_count: 2,
  provision_timeout_seconds: 600,
};
const LEGACY = {
  id: 'a-legacy',
  name: 'Legacy',
  description: '',
  tier: 1,
  runtime: '',
  model: 'openai:gpt-4o',
  skills: null,
  skill_count: 0,
};

describe('GET /templates', () => {
  const db = useTestDatabase();
  const root = fixtureTemplates();
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  // First: this block needs an install without any workspace token.
  describe('AdminAuth without ADMIN_TOKEN', () => {
    const app = useTestApp(db, { CONFIGS_DIR: root });

    beforeAll(() => db.query('DELETE FROM workspace_auth_tokens'));

    it('lists the templates in directory order, skipping non-templates', async () => {
      const res = await app.http.get('/templates');
      expect(res.status).toBe(200);
      expect(res.body).toEqual([LEGACY, HERMES]);
    });

    it('is open on a fresh install, then needs an admin credential', async () => {
      const workspaceToken = await insertToken(db, await insertWorkspace(db));
      const anonymous = await app.http.get('/templates');
      expect([anonymous.status, anonymous.body]).toEqual([401, { error: 'admin auth required' }]);
      const forged = await app.http.get('/templates', {
        headers: { Origin: 'http://localhost:3000' },
      });
      expect([forged.status, forged.body]).toEqual([401, { error: 'admin auth required' }]);
      const garbage = await app.http.withBearer('garbage').get('/templates');
      expect([garbage.status, garbage.body]).toEqual([401, { error: 'invalid admin auth token' }]);

      expect((await app.http.withBearer(workspaceToken).get('/templates')).status).toBe(200);
      const org = await app.http.withBearer(await insertOrgToken(db)).get('/templates');
      expect([org.status, org.body]).toEqual([200, [LEGACY, HERMES]]);
    });

    it('reads the directory fresh on every call', async () => {
      const org = app.http.withBearer(await insertOrgToken(db));
      fs.mkdirSync(path.join(root, 'e-new'));
      fs.writeFileSync(path.join(root, 'e-new', 'config.yaml'), 'name: New\n');
      try {
        const ids = (await org.get('/templates')).body.map((t: { id: string }) => t.id);
        expect(ids).toEqual(['a-legacy', 'b-hermes', 'e-new']);
      } finally {
        fs.rmSync(path.join(root, 'e-new'), { recursive: true });
      }
    });
  });

  describe('with ADMIN_TOKEN set', () => {
    const app = useTestApp(db, { CONFIGS_DIR: root, ADMIN_TOKEN });

    it('refuses workspace tokens and accepts ADMIN_TOKEN and org tokens', async () => {
      const workspaceToken = await insertToken(db, await insertWorkspace(db));
      const refused = await app.http.withBearer(workspaceToken).get('/templates');
      expect([refused.status, refused.body]).toEqual([401, { error: 'invalid admin auth token' }]);
      const anonymous = await app.http.get('/templates');
      expect([anonymous.status, anonymous.body]).toEqual([401, { error: 'admin auth required' }]);

      expect((await app.http.withBearer(ADMIN_TOKEN).get('/templates')).status).toBe(200);
      expect((await app.http.withBearer(await insertOrgToken(db)).get('/templates')).status).toBe(
        200,
      );
    });
  });

  describe('without templates', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-templates-empty-'));
    afterAll(() => fs.rmSync(empty, { recursive: true, force: true }));
    const emptyDir = useTestApp(db, { CONFIGS_DIR: empty, ADMIN_TOKEN });
    const missingDir = useTestApp(db, {
      CONFIGS_DIR: path.join(empty, 'does-not-exist'),
      ADMIN_TOKEN,
    });

    it('answers [] for an empty and for a missing directory', async () => {
      for (const app of [emptyDir, missingDir]) {
        const res = await app.http.withBearer(ADMIN_TOKEN).get('/templates');
        expect([res.status, res.text]).toEqual([200, '[]']);
      }
    });
  });
});
