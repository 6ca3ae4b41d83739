import { randomUUID } from 'node:crypto';
import { ComputeBackends } from '../src/provisioner/compute-backends';
import { WorkspaceFileStore } from '../src/provisioner/workspace-file-store';
import { FakeDocker } from './support/fake-compute';
import { FakeFileStore } from './support/fake-file-store';
import { insertWorkspace, WorkspaceSeed } from './support/factories';
import { MultipartBody, sendUpload } from './support/multipart';
import { rawRequest, rawResponseHead } from './support/raw-http';
import { StandInWorkspace } from './support/stand-in-workspace';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const ADMIN = 'download-admin';
const SECRET = 'inbound-download';

describe('GET /workspaces/:id/chat/download (spec 03 §6.5)', () => {
  const db = useTestDatabase();

  describe('with a Docker engine', () => {
    const store = new FakeFileStore();
    const app = useTestApp(db, { ADMIN_TOKEN: ADMIN, MOLECULE_ENV: 'development' }, [
      { provide: WorkspaceFileStore, useValue: store },
      { provide: ComputeBackends, useValue: new ComputeBackends(new FakeDocker(), null) },
    ]);
    const download = (id: string, query: string) =>
      rawRequest(app.baseUrl, {
        method: 'GET',
        path: `/workspaces/${id}/chat/download${query}`,
        headers: { Authorization: `Bearer ${ADMIN}` },
      });
    const q = (p: string) => `?path=${encodeURIComponent(p)}`;
    let standIn: StandInWorkspace;

    beforeAll(async () => {
      standIn = await StandInWorkspace.start({ secret: SECRET });
    });
    afterAll(() => standIn.close());
    afterEach(() => {
      store.clearInterceptors();
      store.available = true;
      expect(store.openSessions).toBe(0);
    });

    it('checks the path in the contract order before anything else', async () => {
      const id = randomUUID();
      const cases: [string, string][] = [
        ['', 'path query required'],
        ['?path=', 'path query required'],
        [q('workspace/a.txt'), 'path must be absolute'],
        [q('/etc/passwd'), 'path must be under /configs, /workspace, /home, or /plugins'],
        [q('/workspaces/a'), 'path must be under /configs, /workspace, /home, or /plugins'],
        [q('/workspace/../etc/passwd'), 'invalid path'],
        ['?path=/workspace/%2e%2e/etc/passwd', 'invalid path'],
        [q('/workspace/a..b.txt'), 'invalid path'],
        [q('/workspace/dir/'), 'invalid path'],
        [q('/workspace//a.txt'), 'invalid path'],
        [q('/workspace/./a.txt'), 'invalid path'],
        [q('/workspace/a\0.txt'), 'invalid request URL'],
      ];
      for (const [query, error] of cases) {
        const res = await download(id, query);
        expect([query, res.status, res.body]).toEqual([query, 400, { error }]);
      }
      expect((await download('nope', q('/workspace/a'))).body).toEqual({
        error: 'invalid workspace ID',
      });
      expect((await download(id, q('/workspace/a'))).body).toEqual({
        error: 'workspace not found',
      });
    });

    it('streams a container file with its type, length and disposition', async () => {
      const id = await insertWorkspace(db);
      const bytes = Buffer.from([0, 1, 2, 255, 10, 13]);
      store.running(id).writeFile('/workspace/out/r\u00e9sum\u00e9 "final".pdf', bytes);
      store.disk(id).writeFile('/home/notes.txt', 'hi');
      const file = q('/workspace/out/r\u00e9sum\u00e9 "final".pdf');
      const res = await download(id, file);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-length')).toBe('6');
      // Non-ASCII goes out as UTF-8 bytes, as the reference writes it.
      const head = await rawResponseHead(app.baseUrl, `/workspaces/${id}/chat/download${file}`, {
        Authorization: `Bearer ${ADMIN}`,
      });
      expect(head).toContainEqual(
        Buffer.from(
          `content-disposition: attachment; filename="r\u00e9sum\u00e9 \\"final\\".pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf`,
          'utf8',
        ),
      );
      expect(res.bytes).toEqual(bytes);
      const text = await download(id, q('/home/notes.txt'));
      expect([text.headers.get('content-type'), text.text]).toEqual([
        'text/plain; charset=utf-8',
        'hi',
      ]);
    });

    it('never puts a raw CR or LF into the header', async () => {
      const id = await insertWorkspace(db);
      store.running(id).writeFile('/workspace/bad\r\nX-Leak: 1\r\n.txt', 'x');
      const res = await download(id, q('/workspace/bad\r\nX-Leak: 1\r\n.txt'));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-leak')).toBeNull();
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="badX-Leak: 1.txt"; filename*=UTF-8''bad%0D%0AX-Leak%3A%201%0D%0A.txt`,
      );
    });

    it('is 404 for a missing file and the credential files, 400 for anything but a plain file', async () => {
      const id = await insertWorkspace(db);
      store
        .running(id)
        .writeFile('/configs/.auth_token', 'tok')
        .writeFile('/configs/.platform_inbound_secret', 'sec')
        .mkdirs('/workspace/dir')
        .symlink('/workspace/link', '/etc/passwd')
        .symlink('/workspace/via', '/etc')
        .writeFile('/workspace/via/passwd', 'not really');
      for (const p of [
        '/workspace/missing.txt',
        '/configs/.auth_token',
        '/configs/.platform_inbound_secret',
      ])
        expect([p, (await download(id, q(p))).body]).toEqual([p, { error: 'file not found' }]);
      for (const p of ['/workspace/dir', '/workspace', '/workspace/link', '/workspace/via/passwd'])
        expect([p, (await download(id, q(p))).body]).toEqual([
          p,
          { error: 'path is not a regular file' },
        ]);
    });

    it('503 when the container is not running or the engine is gone; 500 when the read fails', async () => {
      const id = await insertWorkspace(db, { status: 'paused' });
      store.volumeOnly(id).writeFile('/configs/config.yaml', 'x');
      expect((await download(id, q('/configs/config.yaml'))).body).toEqual({
        error: 'workspace container not running',
      });
      store.available = false;
      expect((await download(id, q('/configs/config.yaml'))).body).toEqual({
        error: 'docker unavailable',
      });
      store.available = true;
      store.disk(id).running = true;
      store.intercept('read', () => {
        throw new Error('engine: LEAK-MARKER');
      });
      const failed = await download(id, q('/configs/config.yaml'));
      expect([failed.status, failed.body]).toEqual([500, { error: 'failed to read archive' }]);
    });

    it('forwards other workspaces to /internal/file/read with the inbound secret', async () => {
      standIn.writeFile('/workspace/report.csv', 'a,b\n1,2\n');
      const id = await insertWorkspace(db, {
        url: standIn.url,
        platform_inbound_secret: SECRET,
        instance_id: 'i-remote',
      } as WorkspaceSeed);
      const res = await download(id, q('/workspace/report.csv'));
      expect(res.status).toBe(200);
      expect(res.text).toBe('a,b\n1,2\n');
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('content-length')).toBe('8');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="report.csv"');
      expect(res.headers.get('x-not-relayed')).toBeNull();
      const seen = standIn.seen.at(-1)!;
      expect(seen.url).toBe('/internal/file/read?path=%2Fworkspace%2Freport.csv');
      expect(seen.headers.authorization).toBe(`Bearer ${SECRET}`);
      expect((await download(id, q('/workspace/none.txt'))).body).toEqual({
        error: 'file not found',
      });
      standIn.writeFile('/workspace/\u00fcber.txt', 'u');
      const head = await rawResponseHead(
        app.baseUrl,
        `/workspaces/${id}/chat/download${q('/workspace/\u00fcber.txt')}`,
        { Authorization: `Bearer ${ADMIN}` },
      );
      expect(head).toContainEqual(
        Buffer.from('content-disposition: attachment; filename="\u00fcber.txt"', 'utf8'),
      );

      const external = await insertWorkspace(db, {
        url: standIn.url,
        runtime: 'external',
        platform_inbound_secret: null,
      });
      expect((await download(external, q('/workspace/report.csv'))).status).toBe(503);
      const refused = await insertWorkspace(db, {
        url: 'http://127.0.0.1:9',
        runtime: 'external',
        platform_inbound_secret: SECRET,
      });
      expect((await download(refused, q('/workspace/report.csv'))).body).toEqual({
        error: 'workspace unreachable',
      });
    });

    it('reads back an upload byte for byte (fallback path)', async () => {
      const legacy = await StandInWorkspace.start({ secret: SECRET, ingest: false });
      try {
        const id = await insertWorkspace(db, { url: legacy.url, platform_inbound_secret: SECRET });
        store.running(id);
        const content = Buffer.from('a\u0000binary\r\nfile', 'latin1');
        const up = await sendUpload(app.baseUrl, {
          path: `/workspaces/${id}/chat/uploads`,
          headers: { Authorization: `Bearer ${ADMIN}` },
          body: new MultipartBody([
            { filename: 'blob.bin', contentType: 'application/octet-stream', content },
          ]),
        });
        if (up === 'dropped') throw new Error('dropped');
        const uri: string = up.body.files[0].uri;
        const res = await fetch(
          `${app.baseUrl}/workspaces/${id}/chat/download${q(uri.slice('workspace:'.length))}`,
          { headers: { Authorization: `Bearer ${ADMIN}` } },
        );
        expect(Buffer.from(await res.arrayBuffer())).toEqual(content);
      } finally {
        await legacy.close();
      }
    });
  });

  describe('without a Docker engine', () => {
    const app = useTestApp(db, { ADMIN_TOKEN: ADMIN });

    it('503 docker unavailable for a local workspace', async () => {
      const id = await insertWorkspace(db);
      const res = await app.http
        .withBearer(ADMIN)
        .get(`/workspaces/${id}/chat/download?path=/workspace/a.txt`);
      expect([res.status, res.body]).toEqual([503, { error: 'docker unavailable' }]);
    });
  });
});
