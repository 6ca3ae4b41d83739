import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ComputeBackends } from '../../src/provisioner/compute-backends';
import { ROLE_LABEL, SCOPE_LABEL } from '../../src/provisioner/docker/workspace-names';
import { eventually } from '../support/eventually';
import { insertToken, insertWorkspace } from '../support/factories';
import { MultipartBody, sendUpload, sha256Of } from '../support/multipart';
import { useTestDatabase } from '../support/test-database';
import {
  describeDocker,
  ensureStandInImage,
  fetchWhenListening,
  testDocker,
  useDockerScope,
  useDockerTestApp,
} from './support';

// Containers start, 50 MB travel three hops each way: generous bounds on a shared machine.
jest.setTimeout(180_000);

const ADMIN = 'docker-files-admin';
const SECRET = 'docker-files-inbound';
const MB = 1_000_000;

/**
 * Workspace files and chat files on the real Docker backend: the archive API and argv exec on
 * a running stand-in container, the config volume when it is stopped (a never-started helper
 * of its own image), and 50 MB uploads through both upload paths, read back through download.
 */
describeDocker('workspace files and chat files on a real engine', () => {
  const db = useTestDatabase();
  const scope = useDockerScope();
  const spillDir = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-docker-spill-'));
  const app = useDockerTestApp(db, scope, {
    MOLECULE_ENV: 'development',
    ADMIN_TOKEN: ADMIN,
    CHAT_UPLOAD_SPILL_DIR: spillDir,
  });
  const http = () => app.http.withBearer(ADMIN);
  const docker = () => app.get(ComputeBackends).docker!;

  beforeAll(async () => {
    await ensureStandInImage();
  }, 120_000);
  afterAll(() => fs.rmSync(spillDir, { recursive: true, force: true }));

  /** Provisions a stand-in container (optionally with the ingest endpoint) and waits for it. */
  async function startWorkspace(options: { ingest?: boolean; id?: string } = {}) {
    const id = options.id ?? (await insertWorkspace(db, { status: 'provisioning', tier: 2 }));
    if (!options.id)
      await db.query(`UPDATE workspaces SET platform_inbound_secret = $2 WHERE id = $1`, [
        id,
        SECRET,
      ]);
    const token = options.id ? undefined : await insertToken(db, id);
    const url = await docker().start({
      workspaceId: id,
      name: 'Files',
      tier: 2,
      runtime: 'langgraph',
      platformUrl: app.baseUrl,
      env: {},
      configFiles: token
        ? {
            'config.yaml': `name: "Files"\nruntime: langgraph\nstand_in_ingest: ${options.ingest === true}\n`,
            '.auth_token': token,
            '.platform_inbound_secret': SECRET,
          }
        : undefined,
    });
    await db.query(`UPDATE workspaces SET url = $2, status = 'online' WHERE id = $1`, [id, url]);
    await fetchWhenListening(`${url}/health`);
    return { id, url };
  }

  async function helperContainers(): Promise<number> {
    const list = await testDocker().listContainers({
      all: true,
      filters: JSON.stringify({ label: [`${SCOPE_LABEL}=${scope.scope}`, ROLE_LABEL] }),
    });
    return list.length;
  }

  const files = (id: string, rest = '') => `/workspaces/${id}/files${rest}`;

  it('lists, reads, writes and deletes in a running container, without a shell', async () => {
    const { id } = await startWorkspace();
    const text = '  exact bytes, untrimmed\n\n';
    expect((await http().put(files(id, '/notes.md'), { content: text })).body).toEqual({
      status: 'saved',
      path: 'notes.md',
    });
    await http().put(files(id, '/skills/search/SKILL.md'), { content: '# search' });
    // A quote in a path must stay a character, not become shell syntax.
    await http().put(files(id, "/it's here.md"), { content: 'quoted' });

    expect((await http().get(files(id, '/notes.md'))).body).toEqual({
      path: 'notes.md',
      content: text,
      size: Buffer.byteLength(text),
    });
    const listed = (await http().get(files(id, '?depth=3'))).body as {
      path: string;
      dir: boolean;
      size: number;
    }[];
    const paths = listed.map((e) => e.path).sort();
    expect(paths).toEqual(
      expect.arrayContaining([
        'config.yaml',
        'notes.md',
        "it's here.md",
        'skills',
        'skills/search',
        'skills/search/SKILL.md',
      ]),
    );
    expect(paths).not.toContain('.auth_token');
    expect(paths).not.toContain('.platform_inbound_secret');
    expect(listed.find((e) => e.path === 'skills')).toEqual({ path: 'skills', size: 0, dir: true });
    expect(listed.find((e) => e.path === 'notes.md')?.size).toBe(Buffer.byteLength(text));
    expect((await http().get(files(id, '?path=skills&depth=2'))).body).toEqual(
      expect.arrayContaining([{ path: 'search/SKILL.md', size: 8, dir: false }]),
    );
    expect((await http().get(files(id, '?root=/workspace&path=nope'))).body).toEqual([]);
    expect((await http().get(files(id, '/.auth_token'))).body).toEqual({ error: 'file not found' });
    expect((await http().get(files(id, '/skills'))).body).toEqual({ error: 'file not found' });

    expect((await http().delete(files(id, "/it's here.md"))).status).toBe(200);
    expect((await http().get(files(id, "/it's here.md"))).body).toEqual({
      error: 'file not found',
    });
    // Non-recursive: a directory stays.
    expect((await http().delete(files(id, '/skills'))).status).toBe(200);
    expect((await http().get(files(id, '/skills/search/SKILL.md'))).body.content).toBe('# search');

    const big = 'x'.repeat(5 * 1024 * 1024 + 1);
    await http().put(files(id, '/big.txt'), { content: big });
    expect((await http().get(files(id, '/big.txt'))).body).toEqual({ error: 'file too large' });
    await docker().stop(id);
  });

  it('works on the config volume of a stopped workspace; a file written then is there after the restart', async () => {
    const { id } = await startWorkspace();
    await http().put(files(id, '/before.md'), { content: 'written while running' });
    await docker().stop(id);
    expect(await docker().isRunning(id)).toBe(false);

    expect((await http().get(files(id, '/before.md'))).body.content).toBe('written while running');
    await http().put(files(id, '/paused.md'), { content: 'written while paused' });
    expect((await http().get(files(id, '/paused.md'))).body.content).toBe('written while paused');
    const listed = (await http().get(files(id))).body as { path: string }[];
    expect(listed.map((e) => e.path)).toEqual(
      expect.arrayContaining(['before.md', 'paused.md', 'config.yaml']),
    );
    expect(listed.map((e) => e.path)).not.toContain('.auth_token');
    await http().put(files(id, '/doomed.md'), { content: 'x' });
    expect((await http().delete(files(id, '/doomed.md'))).status).toBe(200);
    expect((await http().get(files(id, '/doomed.md'))).body).toEqual({ error: 'file not found' });
    // Only /configs lives on the volume.
    expect((await http().get(files(id, '?root=/workspace'))).body).toEqual([]);
    expect(await helperContainers()).toBe(0);

    await startWorkspace({ id });
    expect((await http().get(files(id, '/paused.md'))).body.content).toBe('written while paused');
    expect((await http().get(files(id, '/doomed.md'))).status).toBe(404);
    await docker().stop(id);
  });

  describe('a 50 MB upload reads back identical through download', () => {
    const parts = [
      { filename: 'first.bin', content: { size: 25 * MB, seed: 101 } },
      { filename: 'second.bin', content: { size: 25 * MB, seed: 202 } },
    ];

    async function roundTrip(id: string) {
      const res = await sendUpload(app.baseUrl, {
        path: `/workspaces/${id}/chat/uploads`,
        headers: { Authorization: `Bearer ${ADMIN}` },
        body: new MultipartBody(
          parts.map((p) => ({ ...p, contentType: 'application/octet-stream' })),
        ),
      });
      if (res === 'dropped') throw new Error('upload connection dropped');
      expect(res.status).toBe(200);
      const uploaded = res.body.files as {
        uri: string;
        name: string;
        size: number;
        mimeType: string;
      }[];
      expect(uploaded.map((f) => [f.name, f.size, f.mimeType])).toEqual([
        ['first.bin', 25 * MB, 'application/octet-stream'],
        ['second.bin', 25 * MB, 'application/octet-stream'],
      ]);
      for (const [i, file] of uploaded.entries()) {
        expect(file.uri).toMatch(/^workspace:\/workspace\/\.molecule\/chat-uploads\/[0-9a-f]{32}-/);
        const download = await fetch(
          `${app.baseUrl}/workspaces/${id}/chat/download?path=${encodeURIComponent(file.uri.slice('workspace:'.length))}`,
          { headers: { Authorization: `Bearer ${ADMIN}` } },
        );
        expect(download.status).toBe(200);
        expect(download.headers.get('content-length')).toBe(String(25 * MB));
        const hash = createHash('sha256');
        for await (const chunk of download.body!) hash.update(chunk);
        expect(hash.digest('hex')).toBe(sha256Of(parts[i].content));
      }
      expect(fs.readdirSync(spillDir)).toEqual([]);
    }

    it('through the workspace ingest endpoint', async () => {
      const { id, url } = await startWorkspace({ ingest: true });
      await roundTrip(id);
      const seen = (await (await fetch(`${url}/__stand_in/requests`)).json()) as { path: string }[];
      expect(seen.filter((r) => r.path === '/internal/chat/uploads/ingest')).toHaveLength(2); // probe + upload
      await docker().stop(id);
    });

    it('staged through the engine for a runtime without it', async () => {
      const { id } = await startWorkspace({ ingest: false });
      await roundTrip(id);
      await docker().stop(id);
    });
  });

  it('a client that stops half-way leaves nothing in the container', async () => {
    const { id } = await startWorkspace({ ingest: false });
    const body = new MultipartBody([
      { filename: 'whole.txt', content: 'complete' },
      { filename: 'cut.bin', content: { size: 8 * MB, seed: 3 } },
    ]);
    const res = await sendUpload(app.baseUrl, {
      path: `/workspaces/${id}/chat/uploads`,
      headers: { Authorization: `Bearer ${ADMIN}` },
      body,
      stopAfter: 4 * MB,
    });
    expect(res).toBe('dropped');
    await eventually(
      async () => (fs.readdirSync(spillDir).length === 0 ? true : undefined),
      'spill cleanup',
    );
    const listing = await http().get(files(id, '?root=/workspace&path=.molecule&depth=2'));
    expect(listing.body).toEqual([]);
    await docker().stop(id);
  });
});
