import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { WorkspaceFileStore } from '../src/provisioner/workspace-file-store';
import { insertWorkspace } from './support/factories';
import { FakeFileStore } from './support/fake-file-store';
import { rawRequest } from './support/raw-http';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const ADMIN = 'config-admin';

describe('shared context, workspace config and template import (spec 07 §7–§9)', () => {
  const db = useTestDatabase();
  const configsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-import-templates-'));
  const store = new FakeFileStore();
  const app = useTestApp(db, { ADMIN_TOKEN: ADMIN, CONFIGS_DIR: configsDir }, [
    { provide: WorkspaceFileStore, useValue: store },
  ]);
  const http = () => app.http.withBearer(ADMIN);

  afterAll(() => fs.rmSync(configsDir, { recursive: true, force: true }));

  describe('GET /workspaces/:id/shared-context', () => {
    const config = [
      'name: parent',
      'shared_context:',
      '  - rules.md',
      '  - ../../etc/passwd',
      '  - missing.md',
      '  - .auth_token',
      '  - skills',
      '  - style.md',
    ].join('\n');

    it('returns the listed files read from /configs exactly, in list order, skipping the rest', async () => {
      const id = await insertWorkspace(db);
      store
        .running(id)
        .writeFile('/configs/config.yaml', config)
        .writeFile('/configs/rules.md', '  be kind\n')
        .writeFile('/configs/style.md', 'terse')
        .writeFile('/configs/.auth_token', 'tok')
        .writeFile('/configs/skills/x/SKILL.md', 'x');
      const res = await http().get(`/workspaces/${id}/shared-context`);
      expect(res.body).toEqual([
        { path: 'rules.md', content: '  be kind\n' },
        { path: 'style.md', content: 'terse' },
      ]);
    });

    it('reads the config volume of a paused workspace, else the template', async () => {
      const paused = await insertWorkspace(db, { status: 'paused' });
      store
        .volumeOnly(paused)
        .writeFile('/configs/config.yaml', 'shared_context: [a.md]')
        .writeFile('/configs/a.md', 'A');
      expect((await http().get(`/workspaces/${paused}/shared-context`)).body).toEqual([
        { path: 'a.md', content: 'A' },
      ]);

      const name = `ctx-${randomUUID().slice(0, 6)}`;
      fs.mkdirSync(path.join(configsDir, name));
      fs.writeFileSync(path.join(configsDir, name, 'config.yaml'), config);
      fs.writeFileSync(path.join(configsDir, name, 'style.md'), 'from template');
      const offline = await insertWorkspace(db, { name });
      expect((await http().get(`/workspaces/${offline}/shared-context`)).body).toEqual([
        { path: 'style.md', content: 'from template' },
      ]);
    });

    it('is [] without a readable config or list, and 404 for an unknown workspace', async () => {
      const none = await insertWorkspace(db);
      expect((await http().get(`/workspaces/${none}/shared-context`)).body).toEqual([]);
      const broken = await insertWorkspace(db);
      store.running(broken).writeFile('/configs/config.yaml', 'shared_context: [unterminated');
      expect((await http().get(`/workspaces/${broken}/shared-context`)).body).toEqual([]);
      const notList = await insertWorkspace(db);
      store.running(notList).writeFile('/configs/config.yaml', 'shared_context: rules.md');
      expect((await http().get(`/workspaces/${notList}/shared-context`)).body).toEqual([]);
      expect((await http().get(`/workspaces/${randomUUID()}/shared-context`)).body).toEqual({
        error: 'workspace not found',
      });
    });
  });

  describe('GET / PATCH /workspaces/:id/config', () => {
    const config = (id: string) => `/workspaces/${id}/config`;

    it('stores the first patch and merges top-level keys afterwards', async () => {
      const id = await insertWorkspace(db);
      expect((await http().get(config(id))).body).toEqual({ data: {} });
      expect((await http().patch(config(id), { a: 1, nested: { x: 1, y: 2 } })).body).toEqual({
        status: 'updated',
      });
      await http().patch(config(id), { b: 'two', nested: { z: 3 }, gone: null });
      expect((await http().get(config(id))).body).toEqual({
        data: { a: 1, b: 'two', nested: { z: 3 }, gone: null },
      });
    });

    it('keeps numbers JavaScript cannot hold exactly', async () => {
      const id = await insertWorkspace(db);
      await http().patch(config(id), '{"big": 12345678901234567890}');
      const [row] = await db.query<{ big: string }>(
        `SELECT data->>'big' AS big FROM workspace_config WHERE workspace_id = $1`,
        [id],
      );
      expect(row.big).toBe('12345678901234567890');
    });

    it('refuses anything but a JSON object, and bodies over 256 KiB', async () => {
      const id = await insertWorkspace(db);
      for (const body of [
        'not valid json {{{',
        '',
        '[1]',
        '"text"',
        '3',
        'null',
        '{"a":"\\u0000"}',
        `{"a":${'['.repeat(600)}${']'.repeat(600)}}`,
        Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
      ])
        expect([body, (await http().patch(config(id), body)).body]).toEqual([
          body,
          { error: 'invalid JSON' },
        ]);
      const big = JSON.stringify({ a: 'x'.repeat(256 * 1024) });
      const res = await http().patch(config(id), big);
      expect([res.status, res.body]).toEqual([413, { error: 'body too large or unreadable' }]);
      expect((await http().get(config(id))).body).toEqual({ data: {} });
    });

    it('is 404 for unknown and removed workspaces', async () => {
      const removed = await insertWorkspace(db, { status: 'removed' });
      for (const id of [randomUUID(), removed]) {
        expect((await http().get(config(id))).body).toEqual({ error: 'workspace not found' });
        expect((await http().patch(config(id), { a: 1 })).body).toEqual({
          error: 'workspace not found',
        });
      }
      expect((await http().get(config('nope'))).body).toEqual({ error: 'invalid workspace ID' });
    });
  });

  describe('POST /templates/import', () => {
    const importTemplate = (body: unknown) => http().post('/templates/import', body);

    it('writes the folder and a default config.yaml, and the template is listed', async () => {
      const res = await importTemplate({
        name: 'New Agent',
        files: {
          'system-prompt.md': 'You are new.',
          'rules.md': 'Be brief.',
          'skills/search/SKILL.md': '# search',
          'skills/review/SKILL.md': '# review',
          'docs/guide.md': 'nested md is no prompt file',
        },
      });
      expect([res.status, res.body]).toEqual([
        201,
        { status: 'imported', id: 'new-agent', name: 'New Agent' },
      ]);
      const dir = path.join(configsDir, 'new-agent');
      expect(fs.readFileSync(path.join(dir, 'skills/search/SKILL.md'), 'utf8')).toBe('# search');
      expect(fs.statSync(path.join(dir, 'rules.md')).mode & 0o777).toBe(0o600);
      const generated = parseYaml(fs.readFileSync(path.join(dir, 'config.yaml'), 'utf8'));
      expect(generated).toEqual({
        name: 'New Agent',
        description: 'Imported agent',
        version: '1.0.0',
        tier: 3,
        model: 'anthropic:claude-haiku-4-5-20251001',
        prompt_files: ['rules.md', 'system-prompt.md'],
        skills: ['review', 'search'],
        tools: [],
        a2a: { port: 8000, streaming: true, push_notifications: true },
        env: { required: ['ANTHROPIC_API_KEY'], optional: [] },
      });
      const listed = await http().get('/templates');
      expect(listed.body.map((t: { id: string }) => t.id)).toContain('new-agent');
    });

    it('keeps a supplied config.yaml; an empty folder gets only the default one', async () => {
      await importTemplate({ name: 'Own Config', files: { 'config.yaml': 'name: Mine\n' } });
      expect(fs.readFileSync(path.join(configsDir, 'own-config/config.yaml'), 'utf8')).toBe(
        'name: Mine\n',
      );
      const empty = await importTemplate({ name: 'Empty Folder', files: {} });
      expect(empty.status).toBe(201);
      expect(fs.readdirSync(path.join(configsDir, 'empty-folder'))).toEqual(['config.yaml']);
      const generated = parseYaml(
        fs.readFileSync(path.join(configsDir, 'empty-folder/config.yaml'), 'utf8'),
      );
      expect(generated).toMatchObject({ prompt_files: ['system-prompt.md'], skills: [] });
    });

    it('cannot be steered into extra YAML keys by a crafted name', async () => {
      const name = 'Evil"\ninjected: true\r\n\tx: "y\\';
      const res = await importTemplate({ name, files: {} });
      const generated = parseYaml(
        fs.readFileSync(path.join(configsDir, res.body.id, 'config.yaml'), 'utf8'),
      );
      expect(generated.name).toBe(name);
      expect(generated.injected).toBeUndefined();
    });

    it('answers 409 for an existing template and changes nothing', async () => {
      await importTemplate({ name: 'Twice', files: { 'a.md': 'first' } });
      const again = await importTemplate({ name: 'twice', files: { 'a.md': 'second' } });
      expect([again.status, again.body]).toEqual([
        409,
        { error: 'template already exists', id: 'twice' },
      ]);
      expect(fs.readFileSync(path.join(configsDir, 'twice/a.md'), 'utf8')).toBe('first');
    });

    it('refuses bad bodies and keys before creating anything', async () => {
      const invalid = { error: 'invalid request body' };
      for (const body of [
        {},
        { files: {} },
        { name: '', files: {} },
        { name: 'x' },
        { name: 'x', files: null },
        { name: 'x', files: { a: 1 } },
        { name: 7, files: {} },
      ])
        expect((await importTemplate(body)).body).toEqual(invalid);
      expect((await http().post('/templates/import', 'not json')).body).toEqual(invalid);
      const many = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`f${i}.md`, '']));
      expect((await importTemplate({ name: 'Many', files: many })).body).toEqual({
        error: 'too many files (201), max 200',
      });
      for (const key of ['../escape.md', '/abs.md', 'a/../../b.md', 'notes..md']) {
        const res = await importTemplate({ name: 'Bad Keys', files: { 'ok.md': 'x', [key]: 'y' } });
        expect([key, res.status, res.body]).toEqual([key, 400, invalid]);
      }
      expect(fs.existsSync(path.join(configsDir, 'bad-keys'))).toBe(false);
      expect(fs.existsSync(path.join(configsDir, 'escape.md'))).toBe(false);
    });

    it('removes a half-written template when a write fails', async () => {
      // A file and a directory of the same name cannot both be written.
      const res = await importTemplate({ name: 'Clash', files: { a: 'file', 'a/b.md': 'x' } });
      expect(res.status).toBe(500);
      expect(res.body.error).toMatch(/^failed to write a(\/b\.md)?$/);
      expect(fs.existsSync(path.join(configsDir, 'clash'))).toBe(false);
    });

    it('needs the admin credential', async () => {
      const res = await rawRequest(app.baseUrl, {
        method: 'POST',
        path: '/templates/import',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Anon', files: {} }),
      });
      expect(res.status).toBe(401);
      expect(fs.existsSync(path.join(configsDir, 'anon'))).toBe(false);
    });
  });
});
