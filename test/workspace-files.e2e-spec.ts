import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { WorkspaceFileStore } from '../src/provisioner/workspace-file-store';
import { insertWorkspace } from './support/factories';
import { FakeFileStore } from './support/fake-file-store';
import { rawRequest } from './support/raw-http';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const ADMIN = 'files-admin';
const MiB = 1024 * 1024;

describe('workspace files (spec 07 §1–§6)', () => {
  const db = useTestDatabase();
  const configsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-files-templates-'));
  const store = new FakeFileStore();
  const app = useTestApp(db, { ADMIN_TOKEN: ADMIN, CONFIGS_DIR: configsDir }, [
    { provide: WorkspaceFileStore, useValue: store },
  ]);
  const http = () => app.http.withBearer(ADMIN);
  const raw = (method: string, p: string, body?: string) =>
    rawRequest(app.baseUrl, {
      method,
      path: p,
      headers: {
        Authorization: `Bearer ${ADMIN}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body,
    });
  const files = (id: string, rest = '') => `/workspaces/${id}/files${rest}`;

  afterEach(() => {
    store.clearInterceptors();
    store.available = true;
    expect(store.openSessions).toBe(0);
  });
  afterAll(() => fs.rmSync(configsDir, { recursive: true, force: true }));

  /** A workspace whose container runs, with a typical /configs. */
  async function running(name = `files-${randomUUID().slice(0, 8)}`) {
    const id = await insertWorkspace(db, { name, runtime: 'langgraph' });
    const disk = store
      .running(id)
      .writeFile('/configs/config.yaml', '  name: x\n\n')
      .writeFile('/configs/.auth_token', 'secret-token')
      .writeFile('/configs/.platform_inbound_secret', 'inbound')
      .writeFile('/configs/.DS_Store', 'junk')
      .writeFile('/configs/skills/search/SKILL.md', '# search\n')
      .writeFile('/configs/.git/HEAD', 'ref\n')
      .writeFile('/workspace/notes.txt', 'workspace notes');
    return { id, disk };
  }

  function template(dir: string, fileMap: Record<string, string>) {
    for (const [rel, content] of Object.entries(fileMap)) {
      const file = path.join(configsDir, dir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
  }

  describe('GET /workspaces/:id/files — list', () => {
    it('lists /configs one level down: credentials and .DS_Store hidden, directories included', async () => {
      const { id } = await running();
      const res = await http().get(files(id));
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        { path: '.git', size: 0, dir: true },
        { path: 'config.yaml', size: 11, dir: false },
        { path: 'skills', size: 0, dir: true },
      ]);
    });

    it('goes `depth` levels down without entering .git; sub-directory paths are relative to it', async () => {
      const { id } = await running();
      const deep = await http().get(files(id, '?depth=3'));
      expect(deep.body.map((e: { path: string }) => e.path)).toEqual([
        '.git',
        'config.yaml',
        'skills',
        'skills/search',
        'skills/search/SKILL.md',
      ]);
      for (const sub of ['skills', 'skills/', './skills']) {
        const res = await http().get(files(id, `?path=${encodeURIComponent(sub)}&depth=2`));
        expect(res.body).toEqual([
          { path: 'search', size: 0, dir: true },
          { path: 'search/SKILL.md', size: 9, dir: false },
        ]);
      }
      expect((await http().get(files(id, '?path=nope'))).body).toEqual([]);
    });

    it('lists the other roots in the container', async () => {
      const { id } = await running();
      const res = await http().get(files(id, '?root=/workspace'));
      expect(res.body).toEqual([{ path: 'notes.txt', size: 15, dir: false }]);
      expect((await http().get(files(id, '?root=/plugins'))).body).toEqual([]);
    });

    it('checks root, path and depth, in that order, before looking the workspace up', async () => {
      const unknown = randomUUID();
      const cases: [string, string][] = [
        ['?root=/etc', 'root must be one of: /configs, /workspace, /home, /plugins'],
        ['?root=', 'root must be one of: /configs, /workspace, /home, /plugins'],
        ['?root=/configs/', 'root must be one of: /configs, /workspace, /home, /plugins'],
        ['?root=/tmp&path=../x', 'root must be one of: /configs, /workspace, /home, /plugins'],
        ['?path=../etc', 'invalid path'],
        ['?path=/etc', 'invalid path'],
        ['?path=.', 'invalid path'],
        ['?path=a..b&depth=9', 'invalid path'],
        ['?depth=0', 'depth must be 1-5'],
        ['?depth=6', 'depth must be 1-5'],
        ['?depth=two', 'depth must be 1-5'],
      ];
      for (const [query, error] of cases) {
        const res = await http().get(files(unknown, query));
        expect([query, res.status, res.body]).toEqual([query, 400, { error }]);
      }
      expect((await http().get(files(unknown, '?depth='))).status).toBe(404);
    });

    it('is 404 for an unknown or removed workspace and 400 for a malformed id', async () => {
      expect((await http().get(files(randomUUID()))).body).toEqual({
        error: 'workspace not found',
      });
      const removed = await insertWorkspace(db, { status: 'removed' });
      store.running(removed);
      expect((await http().get(files(removed))).status).toBe(404);
      expect((await http().get(files('not-a-uuid'))).body).toEqual({
        error: 'invalid workspace ID',
      });
    });

    it('lists the config volume of a paused workspace (not the template)', async () => {
      const name = `Paused Agent ${randomUUID().slice(0, 6)}`;
      template(name.toLowerCase().replaceAll(' ', '-'), { 'template-only.md': 'x' });
      const id = await insertWorkspace(db, { name, status: 'paused' });
      store.volumeOnly(id).writeFile('/configs/config.yaml', 'name: mine\n');
      expect((await http().get(files(id))).body).toEqual([
        { path: 'config.yaml', size: 11, dir: false },
      ]);
      // Other roots live only in a container: the template stands in for them.
      expect((await http().get(files(id, '?root=/workspace'))).body).toEqual([
        { path: 'template-only.md', size: 1, dir: false },
      ]);
    });

    it('falls back to the template when there is no container, no volume, or no engine', async () => {
      const name = `Tmpl ${randomUUID().slice(0, 6)}`;
      const dir = name.toLowerCase().replaceAll(' ', '-');
      template(dir, {
        'config.yaml': 'name: t\n',
        'skills/a/SKILL.md': 'a',
        '.git/HEAD': 'x',
        'node_modules/m/index.js': 'x',
      });
      const id = await insertWorkspace(db, { name });
      const expected = [
        { path: 'config.yaml', size: 8, dir: false },
        { path: 'skills', size: expect.any(Number), dir: true },
        { path: 'skills/a', size: expect.any(Number), dir: true },
      ];
      expect((await http().get(files(id, '?depth=2'))).body).toEqual(expected);
      store.running(id);
      store.available = false;
      expect((await http().get(files(id, '?depth=2'))).body).toEqual(expected);
      store.available = true;
      store.intercept('list', () => {
        throw new Error('exec failed');
      });
      expect((await http().get(files(id, '?depth=2'))).body).toEqual(expected);
      const noTemplate = await insertWorkspace(db);
      expect((await http().get(files(noTemplate))).body).toEqual([]);
    });

    it('never reaches local Docker for a control-plane workspace', async () => {
      const id = await insertWorkspace(db);
      await db.query(`UPDATE workspaces SET instance_id = 'i-123' WHERE id = $1`, [id]);
      store.running(id).writeFile('/configs/config.yaml', 'local');
      expect((await http().get(files(id))).body).toEqual([]);
      expect(store.calls.filter((c) => c.includes(id))).toEqual([]);
    });
  });

  describe('GET /workspaces/:id/files/*path — read', () => {
    it('returns the exact bytes (no trimming) with the path as sent', async () => {
      const { id } = await running();
      const res = await http().get(files(id, '/config.yaml'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ path: 'config.yaml', content: '  name: x\n\n', size: 11 });
      const nested = await http().get(files(id, '/skills/./search/SKILL.md'));
      expect(nested.body).toEqual({
        path: 'skills/search/SKILL.md',
        content: '# search\n',
        size: 9,
      });
      const other = await http().get(files(id, '/notes.txt?root=/workspace'));
      expect(other.body.content).toBe('workspace notes');
    });

    it('counts size in bytes and replaces invalid UTF-8', async () => {
      const { id, disk } = await running();
      disk.writeFile('/configs/bin.dat', Buffer.from([0x61, 0xff, 0x62, 0xc3, 0xa9]));
      const res = await http().get(files(id, '/bin.dat'));
      expect(res.body).toEqual({ path: 'bin.dat', content: 'a\ufffdbé', size: 5 });
    });

    it('is 404 for a missing file, a directory, a symlink and the credential files', async () => {
      const { id, disk } = await running();
      disk.symlink('/configs/link', '/etc/passwd');
      for (const p of [
        '/missing.md',
        '/skills',
        '/link',
        '/.auth_token',
        '/.platform_inbound_secret',
      ])
        expect([p, (await http().get(files(id, p))).body]).toEqual([
          p,
          { error: 'file not found' },
        ]);
    });

    it('refuses files over 5 MiB (413) instead of truncating them', async () => {
      const { id, disk } = await running();
      disk.writeFile('/configs/exact.bin', Buffer.alloc(5 * MiB, 0x61));
      disk.writeFile('/configs/big.bin', Buffer.alloc(5 * MiB + 1, 0x61));
      expect((await http().get(files(id, '/exact.bin'))).body.size).toBe(5 * MiB);
      const big = await http().get(files(id, '/big.bin'));
      expect([big.status, big.body]).toEqual([413, { error: 'file too large' }]);
    });

    it('refuses every traversal form with 400 invalid path, before the lookup', async () => {
      const id = randomUUID();
      for (const p of [
        '/../../../etc/passwd',
        '/..%2F..%2Fetc%2Fpasswd',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
        '/valid/../../etc/shadow',
        '//etc/passwd',
        '/notes..md',
        '/',
      ]) {
        const res = await raw('GET', files(id, p));
        expect([p, res.status, res.body]).toEqual([p, 400, { error: 'invalid path' }]);
      }
      // A NUL never gets this far: the edge refuses it in any URL.
      expect((await raw('GET', files(id, '/a%00b'))).body).toEqual({
        error: 'invalid request URL',
      });
      const badRoot = await http().get(files(id, '/config.yaml?root=/tmp'));
      expect(badRoot.body).toEqual({ error: ROOT_ERROR });
      expect((await http().get(files(id, '/config.yaml'))).status).toBe(404);
    });

    it('reads the config volume of a paused workspace', async () => {
      const id = await insertWorkspace(db, { status: 'paused' });
      store.volumeOnly(id).writeFile('/configs/config.yaml', 'name: volume\n');
      expect((await http().get(files(id, '/config.yaml'))).body.content).toBe('name: volume\n');
      expect((await http().get(files(id, '/nope.md'))).body).toEqual({ error: 'file not found' });
    });

    it('reads the template when the workspace cannot be reached', async () => {
      const name = `Reader ${randomUUID().slice(0, 6)}`;
      template(name.toLowerCase().replaceAll(' ', '-'), { 'config.yaml': '  raw: 1\n' });
      const id = await insertWorkspace(db, { name });
      expect((await http().get(files(id, '/config.yaml?root=/home'))).body).toEqual({
        path: 'config.yaml',
        content: '  raw: 1\n',
        size: 9,
      });
      expect((await http().get(files(id, '/other.md'))).body).toEqual({
        error: 'file not found',
      });
      const orphan = await insertWorkspace(db);
      expect((await http().get(files(orphan, '/config.yaml'))).body).toEqual({
        error: 'file not found (container offline, no template)',
      });
    });
  });

  describe('PUT /workspaces/:id/files/*path — write', () => {
    it('writes the exact text into /configs of the running container, parents included', async () => {
      const { id, disk } = await running();
      const res = await http().put(files(id, '/config.yaml'), { content: 'name: edited\n' });
      expect([res.status, res.body]).toEqual([200, { status: 'saved', path: 'config.yaml' }]);
      expect(disk.file('/configs/config.yaml')?.toString()).toBe('name: edited\n');
      await http().put(files(id, '/skills/new/SKILL.md?root=/workspace'), { content: '# new' });
      expect(disk.node('/configs/skills/new/SKILL.md')).toMatchObject({
        mode: 0o644,
        owner: 'root',
      });
      await http().put(files(id, '/empty.txt'), {});
      expect(disk.file('/configs/empty.txt')?.length).toBe(0);
    });

    it('writes into the config volume when no container runs, creating it if needed', async () => {
      const paused = await insertWorkspace(db, { status: 'paused' });
      store.volumeOnly(paused);
      await http().put(files(paused, '/notes.md'), { content: 'while paused' });
      expect(store.disk(paused).file('/configs/notes.md')?.toString()).toBe('while paused');
      // A file written while paused is there once the container runs again.
      store.disk(paused).running = true;
      expect((await http().get(files(paused, '/notes.md'))).body.content).toBe('while paused');

      const fresh = await insertWorkspace(db, { status: 'provisioning' });
      await http().put(files(fresh, '/config.yaml'), { content: 'early' });
      expect(store.disk(fresh).volume).toBe(true);
      expect(store.disk(fresh).file('/configs/config.yaml')?.toString()).toBe('early');
    });

    it('refuses bad paths, credential files and bad bodies', async () => {
      const { id } = await running();
      for (const p of [
        '/../../../etc/shadow',
        '/..%2Fx',
        '/.auth_token',
        '/./.platform_inbound_secret',
      ]) {
        const res = await raw('PUT', files(id, p), '{"content":"x"}');
        expect([p, res.status, res.body]).toEqual([p, 400, { error: 'invalid path' }]);
      }
      for (const body of ['not json', '{"content": 5}', '[]', '']) {
        const res = await raw('PUT', files(id, '/a.txt'), body);
        expect([body, res.status, res.body]).toEqual([
          body,
          400,
          { error: 'invalid request body' },
        ]);
      }
      const huge = await raw(
        'PUT',
        files(id, '/a.txt'),
        JSON.stringify({ content: 'x'.repeat(8 * MiB) }),
      );
      expect([huge.status, huge.body]).toEqual([
        413,
        { error: 'request body exceeds the 8 MiB limit' },
      ]);
      expect((await http().put(files(randomUUID(), '/a.txt'), { content: '' })).body).toEqual({
        error: 'workspace not found',
      });
    });

    it('answers the canned 500s: no engine, engine failure, control plane', async () => {
      const { id } = await running();
      store.available = false;
      expect((await http().put(files(id, '/a.txt'), { content: '' })).body).toEqual({
        error: 'failed to write file: docker not available',
      });
      store.available = true;
      store.intercept('extract', () => {
        throw new Error('daemon said: LEAK-MARKER');
      });
      const failed = await http().put(files(id, '/a.txt'), { content: '' });
      expect([failed.status, failed.body]).toEqual([
        500,
        { error: 'failed to write file: copy into workspace failed' },
      ]);
      const cp = await insertWorkspace(db);
      await db.query(`UPDATE workspaces SET instance_id = 'i-1' WHERE id = $1`, [cp]);
      expect((await http().put(files(cp, '/a.txt'), { content: '' })).body).toEqual({
        error: 'failed to write file: remote file access not available',
      });
    });
  });

  describe('PUT /workspaces/:id/files — bulk write', () => {
    it('merges the files into the container in one archive', async () => {
      const { id, disk } = await running();
      const res = await http().put(files(id), {
        files: { 'a.md': 'A', 'dir/b.md': 'B', './c.md': 'C' },
      });
      expect(res.body).toEqual({
        status: 'replaced',
        workspace: id,
        files: 3,
        source: 'container',
      });
      expect(disk.file('/configs/dir/b.md')?.toString()).toBe('B');
      expect(disk.file('/configs/c.md')?.toString()).toBe('C');
      expect(disk.file('/configs/config.yaml')).toBeDefined();
      expect(store.calls.filter((c) => c.startsWith(`extract ${id}`))).toHaveLength(1);
    });

    it('reports the volume as the source when no container runs; {} writes nothing', async () => {
      const id = await insertWorkspace(db, { status: 'paused' });
      store.volumeOnly(id);
      expect((await http().put(files(id), { files: { 'x.md': 'x' } })).body).toMatchObject({
        source: 'volume',
        files: 1,
      });
      expect((await http().put(files(id), { files: {} })).body).toMatchObject({ files: 0 });
    });

    it('validates body, count, workspace and keys in that order; one bad key writes nothing', async () => {
      const { id, disk } = await running();
      for (const body of [{}, { files: null }, { files: { a: 1 } }, { files: [] }])
        expect((await http().put(files(id), body)).body).toEqual({ error: 'invalid request body' });
      const many = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`f${i}`, '']));
      expect((await http().put(files(randomUUID()), { files: many })).body).toEqual({
        error: 'too many files (201), max 200',
      });
      expect((await http().put(files(randomUUID()), { files: { '../x': '' } })).body).toEqual({
        error: 'workspace not found',
      });
      for (const key of ['../../../etc/passwd', '.auth_token', '/abs'])
        expect((await http().put(files(id), { files: { 'ok.md': 'x', [key]: 'y' } })).body).toEqual(
          { error: 'invalid request body' },
        );
      expect(disk.file('/configs/ok.md')).toBeUndefined();
    });

    it('fails with 500, never falling back to the shared template', async () => {
      const name = `Shared ${randomUUID().slice(0, 6)}`;
      const dir = name.toLowerCase().replaceAll(' ', '-');
      template(dir, { 'config.yaml': 'name: shared\n' });
      const { id } = await running(name);
      store.intercept('extract', () => {
        throw new Error('copy failed');
      });
      expect((await http().put(files(id), { files: { 'x.md': 'x' } })).body).toEqual({
        error: 'failed to write files to workspace',
      });
      expect(fs.existsSync(path.join(configsDir, dir, 'x.md'))).toBe(false);
    });
  });

  describe('DELETE /workspaces/:id/files/*path', () => {
    it('deletes one file through real routing (the reference always answered 400)', async () => {
      const { id, disk } = await running();
      disk.writeFile('/configs/notes.md', 'bye');
      const res = await http().delete(files(id, '/notes.md'));
      expect([res.status, res.body]).toEqual([200, { status: 'deleted', path: 'notes.md' }]);
      expect(disk.file('/configs/notes.md')).toBeUndefined();
      expect(store.calls).toContain(`remove ${id} /configs/notes.md`);
    });

    it('is idempotent and never recursive', async () => {
      const { id, disk } = await running();
      expect((await http().delete(files(id, '/never-there.md'))).status).toBe(200);
      expect((await http().delete(files(id, '/skills'))).status).toBe(200);
      expect(disk.file('/configs/skills/search/SKILL.md')).toBeDefined();
    });

    it('deletes from the config volume of a paused workspace; creates no volume', async () => {
      const paused = await insertWorkspace(db, { status: 'paused' });
      store.volumeOnly(paused).writeFile('/configs/old.md', 'x');
      await http().delete(files(paused, '/old.md'));
      expect(store.disk(paused).file('/configs/old.md')).toBeUndefined();
      const bare = await insertWorkspace(db, { status: 'failed' });
      expect((await http().delete(files(bare, '/x.md'))).status).toBe(200);
      expect(store.disk(bare).volume).toBe(false);
    });

    it('refuses absolute paths, traversal in every form and the credential files', async () => {
      const id = randomUUID();
      expect((await raw('DELETE', files(id, '//etc/passwd'))).body).toEqual({
        error: 'absolute paths not permitted',
      });
      for (const p of [
        '/../../../etc/passwd',
        '/../secret',
        '/valid/../../../etc/shadow',
        '/..%2F..%2Fetc%2Fpasswd',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/../../..',
        '/..',
        '/.auth_token',
        '/',
      ]) {
        const res = await raw('DELETE', files(id, p));
        expect([p, res.status, res.body]).toEqual([p, 400, { error: 'invalid path' }]);
      }
      expect((await raw('DELETE', files(id, '/a%00b'))).body).toEqual({
        error: 'invalid request URL',
      });
      expect((await http().delete(files(id, '/x.md'))).body).toEqual({
        error: 'workspace not found',
      });
    });

    it('answers the canned 500s', async () => {
      const { id } = await running();
      store.intercept('remove', () => {
        throw new Error('daemon text');
      });
      expect((await http().delete(files(id, '/a.md'))).body).toEqual({
        error: 'failed to delete: remove failed',
      });
      store.available = false;
      expect((await http().delete(files(id, '/a.md'))).body).toEqual({
        error: 'failed to delete: docker not available',
      });
      const cp = await insertWorkspace(db);
      await db.query(`UPDATE workspaces SET instance_id = 'i-2' WHERE id = $1`, [cp]);
      expect((await http().delete(files(cp, '/a.md'))).body).toEqual({
        error: 'failed to delete: docker not available',
      });
    });
  });
});

const ROOT_ERROR = 'root must be one of: /configs, /workspace, /home, /plugins';
