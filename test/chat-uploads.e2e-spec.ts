import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock/clock';
import { INGEST_SUPPORT_TTL_MS } from '../src/chat-files/ingest-support';
import { UPLOAD_FORWARD_TIMEOUT_MS } from '../src/chat-files/chat-upload.service';
import { ComputeBackends } from '../src/provisioner/compute-backends';
import { WorkspaceFileStore } from '../src/provisioner/workspace-file-store';
import { eventually } from './support/eventually';
import { FakeClock } from './support/fake-clock';
import { FakeDocker } from './support/fake-compute';
import { FakeFileStore } from './support/fake-file-store';
import { insertWorkspace, WorkspaceSeed } from './support/factories';
import { MultipartBody, Part, sendUpload, sha256Of } from './support/multipart';
import { StandInWorkspace } from './support/stand-in-workspace';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

// Uploads of tens of MiB through three hops take a few seconds on a loaded machine.
jest.setTimeout(30_000);

const ADMIN = 'uploads-admin';
const SECRET = 'inbound-secret-1';
const MiB = 1024 * 1024;
const UPLOAD_DIR = '/workspace/.molecule/chat-uploads';

describe('POST /workspaces/:id/chat/uploads (spec 03 §6.2–§6.4)', () => {
  const db = useTestDatabase();
  const spillDir = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-spill-test-'));
  const store = new FakeFileStore();
  const clock = new FakeClock();
  const app = useTestApp(
    db,
    { ADMIN_TOKEN: ADMIN, MOLECULE_ENV: 'development', CHAT_UPLOAD_SPILL_DIR: spillDir },
    [
      { provide: WorkspaceFileStore, useValue: store },
      { provide: ComputeBackends, useValue: new ComputeBackends(new FakeDocker(), null) },
      { provide: Clock, useValue: clock },
    ],
  );
  const standIns: StandInWorkspace[] = [];
  const startStandIn = async (ingest = true) => {
    const standIn = await StandInWorkspace.start({ secret: SECRET, ingest });
    standIns.push(standIn);
    return standIn;
  };
  const workspace = (seed: WorkspaceSeed = {}) =>
    insertWorkspace(db, { platform_inbound_secret: SECRET, runtime: 'langgraph', ...seed });
  const upload = (
    id: string,
    body: MultipartBody | string,
    extra: Partial<Parameters<typeof sendUpload>[1]> = {},
  ) =>
    sendUpload(app.baseUrl, {
      path: `/workspaces/${id}/chat/uploads`,
      headers: { Authorization: `Bearer ${ADMIN}` },
      body,
      ...extra,
    });
  const ok = async (id: string, body: MultipartBody) => {
    const res = await upload(id, body);
    if (res === 'dropped') throw new Error('connection dropped');
    return res;
  };
  const ingestCalls = (standIn: StandInWorkspace) =>
    standIn.seen.filter((r) => r.url === '/internal/chat/uploads/ingest');

  afterEach(async () => {
    store.clearInterceptors();
    store.available = true;
    // No spilled upload outlives its request, whatever happened to it.
    await eventually(
      async () => (fs.readdirSync(spillDir).length === 0 ? true : undefined),
      'the spill directory to be empty',
    );
    expect(store.openSessions).toBe(0);
  });
  afterAll(async () => {
    await Promise.all(standIns.map((s) => s.close()));
    fs.rmSync(spillDir, { recursive: true, force: true });
  });

  describe('refusals before anything is sent', () => {
    const body = new MultipartBody([{ filename: 'a.txt', content: 'a' }]);

    it('400 for a malformed id, 404 for an unknown or removed workspace', async () => {
      expect(await upload('not-a-uuid', body)).toMatchObject({
        status: 400,
        body: { error: 'invalid workspace ID' },
      });
      const removed = await workspace({ status: 'removed', url: 'http://127.0.0.1:9' });
      for (const id of [randomUUID(), removed])
        expect(await upload(id, body)).toMatchObject({
          status: 404,
          body: { error: 'workspace not found' },
        });
    });

    it('503 without a URL, then 503 (with the detail) without an inbound secret', async () => {
      const noUrl = await workspace({ url: null, platform_inbound_secret: null });
      expect(await upload(noUrl, body)).toMatchObject({
        status: 503,
        body: { error: 'workspace url not registered yet' },
      });
      const noSecret = await workspace({
        url: 'http://127.0.0.1:9',
        platform_inbound_secret: null,
      });
      const res = await upload(noSecret, body);
      expect(res).toMatchObject({ status: 503 });
      expect((res as { text: string }).text).toBe(
        '{"error":"workspace not yet enrolled in v2 upload (RFC #2312)","detail":"Reprovisioning the workspace will mint the platform_inbound_secret it\'s missing."}',
      );
    });

    it('502 when the workspace refuses connections or its URL is refused by the guard', async () => {
      for (const url of ['http://127.0.0.1:9', 'http://169.254.169.254'])
        expect(
          await upload(await workspace({ url, instance_id: 'i-1' } as WorkspaceSeed), body),
        ).toMatchObject({
          status: 502,
          body: { error: 'workspace unreachable' },
        });
    });

    it('413 for a declared length over 50 MiB, without contacting the workspace', async () => {
      const standIn = await startStandIn();
      const id = await workspace({ url: standIn.url });
      const res = await upload(id, 'x', {
        contentLength: 50 * MiB + 1,
        contentType: body.contentType,
      });
      expect(res).toMatchObject({
        status: 413,
        body: { error: 'request body exceeds total limit (50 MB)' },
      });
      expect(standIn.seen).toEqual([]);
    });
  });

  describe('forward to the ingest endpoint', () => {
    it('streams the body with the bearer and Content-Type, and relays the reply in input order', async () => {
      const standIn = await startStandIn();
      const id = await workspace({ url: `${standIn.url}/` });
      const parts: Part[] = [
        { filename: 'report.pdf', contentType: 'application/pdf', content: '%PDF-1.4' },
        { filename: 'my notes.txt', contentType: 'text/plain', content: 'hello' },
        { field: 'other', content: 'ignored' },
        { filename: 'data.bin', content: { size: 3 * MiB, seed: 7 } },
      ];
      const body = new MultipartBody(parts);
      const res = await ok(id, body);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.body.files).toEqual([
        {
          uri: expect.stringMatching(
            /^workspace:\/workspace\/\.molecule\/chat-uploads\/[0-9a-f]{32}-report\.pdf$/,
          ),
          name: 'report.pdf',
          mimeType: 'application/pdf',
          size: 8,
        },
        {
          uri: expect.stringMatching(/-my_notes\.txt$/),
          name: 'my_notes.txt',
          mimeType: 'text/plain',
          size: 5,
        },
        {
          uri: expect.stringMatching(/-data\.bin$/),
          name: 'data.bin',
          mimeType: 'text/plain',
          size: 3 * MiB,
        },
      ]);
      // The probe came first (a local Docker workspace), then the upload itself.
      const [probe, forwarded] = ingestCalls(standIn);
      expect(probe.bytes).toBeLessThan(100);
      expect(forwarded.headers).toMatchObject({
        authorization: `Bearer ${SECRET}`,
        'content-type': body.contentType,
        'content-length': String(body.length),
      });
      expect(forwarded.bytes).toBe(body.length);
      const stored = res.body.files[2].uri.slice('workspace:'.length);
      expect(sha256Of(standIn.file(stored)!)).toBe(sha256Of({ size: 3 * MiB, seed: 7 }));
    });

    it('relays the workspace 413 byte for byte, even when it answers before reading the body', async () => {
      const standIn = await startStandIn();
      const id = await workspace({ url: standIn.url, instance_id: 'i-413' } as WorkspaceSeed);
      const own = '{"error": "big.bin exceeds per-file limit (25 MB)",  "hint":"its own body"}\n';
      standIn.respond = (req, res) => {
        res.writeHead(413, { 'Content-Type': 'application/json; charset=utf-8' }).end(own);
        req.resume();
        return true;
      };
      const res = await ok(
        id,
        new MultipartBody([{ filename: 'big.bin', content: { size: 30 * MiB, seed: 1 } }]),
      );
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.text).toBe(own);
    });

    it('relays every other workspace status with its body', async () => {
      const standIn = await startStandIn();
      const id = await workspace({ url: standIn.url, instance_id: 'i-statuses' } as WorkspaceSeed);
      for (const [status, text] of [
        [400, '{"error":"failed to parse multipart form"}'],
        [401, '{"error":"unauthorized"}'],
        [500, 'plain failure'],
      ] as const) {
        standIn.respond = (req, res) => {
          req.resume();
          res.writeHead(status, { 'Content-Type': 'text/x-test' }).end(text);
          return true;
        };
        const res = await ok(id, new MultipartBody([{ filename: 'a', content: 'a' }]));
        expect([res.status, res.headers.get('content-type'), res.text]).toEqual([
          status,
          'text/x-test',
          text,
        ]);
      }
    });

    it('lets the workspace judge a Content-Type without boundary', async () => {
      const standIn = await startStandIn();
      const id = await workspace({ url: standIn.url });
      const res = await upload(id, 'whatever', { contentType: 'multipart/form-data' });
      expect(res).toMatchObject({ status: 400, body: { error: 'failed to parse multipart form' } });
      expect(standIn.uploads()).toEqual([]);
    });

    it('413 when a chunked body passes 50 MiB; the workspace keeps nothing', async () => {
      const standIn = await startStandIn();
      const id = await workspace({ url: standIn.url });
      const body = new MultipartBody([
        { filename: 'a.bin', content: { size: 24 * MiB, seed: 2 } },
        { filename: 'b.bin', content: { size: 24 * MiB, seed: 3 } },
        { filename: 'c.bin', content: { size: 3 * MiB, seed: 4 } },
      ]);
      const res = await upload(id, body, { contentLength: 'chunked' });
      expect(res).toMatchObject({
        status: 413,
        body: { error: 'total request body exceeds limit (50 MB)' },
      });
      await eventually(
        async () => (standIn.uploads().length === 0 ? true : undefined),
        'no files kept',
      );
    });

    it('stops forwarding when the client goes away half-way', async () => {
      const standIn = await startStandIn();
      const id = await workspace({ url: standIn.url });
      const body = new MultipartBody([
        { filename: 'half.bin', content: { size: 4 * MiB, seed: 5 } },
      ]);
      expect(await upload(id, body, { stopAfter: 2 * MiB })).toBe('dropped');
      await eventually(
        async () => (ingestCalls(standIn).length === 2 ? true : undefined),
        'the forward',
      );
      await eventually(
        async () => (standIn.uploads().length === 0 ? true : undefined),
        'no files kept',
      );
    });

    it('gives up after 120 s without an answer: 502', async () => {
      const standIn = await startStandIn();
      const id = await workspace({ url: standIn.url, instance_id: 'i-slow' } as WorkspaceSeed);
      standIn.respond = (req) => {
        req.resume();
        return true; // never answers
      };
      const pending = upload(id, new MultipartBody([{ filename: 'a', content: 'a' }]));
      await eventually(async () => (standIn.seen.length === 1 ? true : undefined), 'the forward');
      clock.advance(UPLOAD_FORWARD_TIMEOUT_MS);
      expect(await pending).toMatchObject({
        status: 502,
        body: { error: 'workspace unreachable' },
      });
    });

    it('forwards control-plane and external workspaces without probing', async () => {
      const standIn = await startStandIn(false);
      for (const seed of [{ instance_id: 'i-cp' }, { runtime: 'external' }]) {
        const id = await workspace({ url: standIn.url, ...seed } as WorkspaceSeed);
        const res = await ok(id, new MultipartBody([{ filename: 'a', content: 'a' }]));
        expect(res.status).toBe(404);
      }
      expect(ingestCalls(standIn)).toHaveLength(2);
    });
  });

  describe('staged through the engine when the runtime has no ingest endpoint', () => {
    async function legacyWorkspace() {
      const standIn = await startStandIn(false);
      const id = await workspace({ url: standIn.url });
      const disk = store.running(id);
      return { standIn, id, disk };
    }

    it('stages every file, sanitised, owned by the agent user, with the same reply shape', async () => {
      const { standIn, id, disk } = await legacyWorkspace();
      const body = new MultipartBody([
        { filename: '../../etc/passwd', contentType: 'text/plain', content: 'root:x' },
        { filename: 'weird;$name`.txt', content: 'w' },
        {
          filename: 'bell\u0007\r\ntab.md',
          encodeFilename: true,
          contentType: 'text/markdown',
          content: '# t',
        },
        { filename: `${'x'.repeat(296)}.pdf`, contentType: 'application/pdf', content: 'p' },
        {
          filename: 'r\u00e9sum\u00e9.pdf',
          contentType: 'application/pdf',
          content: { size: 2 * MiB, seed: 9 },
        },
      ]);
      const res = await ok(id, body);
      expect(res.status).toBe(200);
      const files = res.body.files as {
        uri: string;
        name: string;
        mimeType: string;
        size: number;
      }[];
      expect(files.map((f) => [f.name, f.mimeType, f.size])).toEqual([
        ['passwd', 'text/plain', 6],
        ['weird__name_.txt', 'text/plain', 1],
        ['bell___tab.md', 'text/markdown', 3],
        [`${'x'.repeat(96)}.pdf`, 'application/pdf', 1],
        ['r_sum_.pdf', 'application/pdf', 2 * MiB],
      ]);
      for (const f of files) {
        expect(f.uri).toMatch(new RegExp(`^workspace:${UPLOAD_DIR}/[0-9a-f]{32}-`));
        const node = disk.node(f.uri.slice('workspace:'.length));
        expect(node).toMatchObject({ kind: 'file', owner: 'agent', mode: 0o644 });
      }
      expect(sha256Of(disk.file(files[4].uri.slice(10))!)).toBe(
        sha256Of({ size: 2 * MiB, seed: 9 }),
      );
      expect(disk.node(UPLOAD_DIR)).toMatchObject({ kind: 'dir', owner: 'agent' });
      expect(ingestCalls(standIn)).toHaveLength(1); // the probe only
    });

    it('remembers that the runtime has no endpoint, and asks again after a while', async () => {
      const { standIn, id } = await legacyWorkspace();
      const body = () => new MultipartBody([{ filename: 'a.txt', content: 'a' }]);
      await ok(id, body());
      await ok(id, body());
      expect(ingestCalls(standIn)).toHaveLength(1);
      clock.advance(INGEST_SUPPORT_TTL_MS + 1);
      standIn.ingest = true;
      const res = await ok(id, body());
      expect(res.status).toBe(200);
      expect(ingestCalls(standIn)).toHaveLength(3); // a new probe, then the forward
      expect(standIn.uploads()).toHaveLength(1);
    });

    it('refuses bad multipart bodies with the contract statuses and stages nothing', async () => {
      const { id, disk } = await legacyWorkspace();
      const cases: [string, Promise<unknown>, number, string][] = [
        [
          'no files part',
          upload(id, new MultipartBody([{ field: 'note', content: 'x' }])),
          400,
          "expected at least one 'files' field",
        ],
        [
          'files field without a file name',
          upload(id, new MultipartBody([{ content: 'x' }])),
          400,
          "expected at least one 'files' field",
        ],
        [
          'no boundary',
          upload(id, 'x', { contentType: 'multipart/form-data' }),
          400,
          'failed to parse multipart form',
        ],
        [
          'not multipart',
          upload(id, '{}', { contentType: 'application/json' }),
          400,
          'failed to parse multipart form',
        ],
        [
          'no Content-Type',
          upload(id, 'x', { contentType: null }),
          400,
          'failed to parse multipart form',
        ],
        [
          'unterminated',
          upload(
            id,
            '--molecule-test-boundary-7d9f\r\nContent-Disposition: form-data; name="files"; filename="a"\r\n\r\nabc',
            { contentType: 'multipart/form-data; boundary=molecule-test-boundary-7d9f' },
          ),
          400,
          'failed to parse multipart form',
        ],
      ];
      for (const [what, pending, status, error] of cases)
        expect([what, await pending]).toEqual([
          what,
          expect.objectContaining({ status, body: { error } }),
        ]);
      expect(disk.filesUnder('/workspace')).toEqual([]);
    });

    it('413 for a file over 25 MiB (client name in the message), nothing staged', async () => {
      const { id, disk } = await legacyWorkspace();
      const body = new MultipartBody([
        { filename: 'small.txt', content: 'fine' },
        { filename: '../big file.bin', content: { size: 25 * MiB + 1, seed: 11 } },
      ]);
      expect(await upload(id, body)).toMatchObject({
        status: 413,
        body: { error: '../big file.bin exceeds per-file limit (25 MB)' },
      });
      const exact = new MultipartBody([
        { filename: 'exact.bin', content: { size: 25 * MiB, seed: 12 } },
      ]);
      const exactRes = await ok(id, exact);
      expect(exactRes.body.files[0].size).toBe(25 * MiB);
      expect(disk.filesUnder(UPLOAD_DIR)).toHaveLength(1);
    });

    it('413 for a body over 50 MiB, declared or not', async () => {
      const { id, disk } = await legacyWorkspace();
      const body = new MultipartBody([
        { filename: 'a.bin', content: { size: 24 * MiB, seed: 2 } },
        { filename: 'b.bin', content: { size: 24 * MiB, seed: 3 } },
        { filename: 'c.bin', content: { size: 3 * MiB, seed: 4 } },
      ]);
      expect(await upload(id, body)).toMatchObject({
        status: 413,
        body: { error: 'request body exceeds total limit (50 MB)' },
      });
      expect(await upload(id, body, { contentLength: 'chunked' })).toMatchObject({
        status: 413,
        body: { error: 'total request body exceeds limit (50 MB)' },
      });
      expect(disk.filesUnder('/workspace')).toEqual([]);
    });

    it('a client that stops half-way leaves no file in the workspace and none on the platform', async () => {
      const { id, disk } = await legacyWorkspace();
      const body = new MultipartBody([
        { filename: 'first.txt', content: 'complete' },
        { filename: 'second.bin', content: { size: 6 * MiB, seed: 13 } },
      ]);
      expect(await upload(id, body, { stopAfter: 3 * MiB })).toBe('dropped');
      await eventually(
        async () => (fs.readdirSync(spillDir).length === 0 ? true : undefined),
        'spill cleanup',
      );
      expect(disk.filesUnder('/workspace')).toEqual([]);
      expect(store.calls.filter((c) => c.startsWith(`extract ${id}`))).toEqual([]);
    });

    it('503 when the container is not running; 500 and nothing left when staging fails', async () => {
      const { id, disk } = await legacyWorkspace();
      disk.running = false;
      const body = () =>
        new MultipartBody([
          { filename: 'a.txt', content: 'a' },
          { filename: 'b.txt', content: 'b' },
        ]);
      expect(await upload(id, body())).toMatchObject({
        status: 503,
        body: { error: 'workspace container not running' },
      });
      disk.running = true;
      // The engine writes the first file, then the archive breaks off.
      store.breakExtractAfter = 1;
      const failed = await upload(id, body());
      expect(failed).toMatchObject({
        status: 500,
        body: { error: 'failed to stage files in workspace' },
      });
      expect(disk.filesUnder('/workspace')).toEqual([]);
      store.intercept('extract', () => {
        throw new Error('engine: LEAK-MARKER archive refused');
      });
      const refused = await upload(id, body());
      expect(refused).toMatchObject({
        status: 500,
        body: { error: 'failed to stage files in workspace' },
      });
      expect(JSON.stringify(refused)).not.toContain('LEAK-MARKER');
    });
  });
});
