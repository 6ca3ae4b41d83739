import { ImageEngine } from '../src/provisioner/images/image-engine.port';
import { FAKE_PULL_PROGRESS, FakeImageEngine } from './support/fake-image-engine';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'images-admin';
const RUNTIMES = [
  'claude-code',
  'langgraph',
  'crewai',
  'autogen',
  'deepagents',
  'hermes',
  'gemini-cli',
  'openclaw',
];
const image = (rt: string, prefix = 'ghcr.io/molecule-ai') =>
  `${prefix}/workspace-template-${rt}:latest`;
const REFRESH = '/admin/workspace-images/refresh';

/** Two langgraph containers (one stopped, one with a digest-pinned list entry) and a hermes one. */
function fleet(engine: FakeImageEngine, prefix = 'ghcr.io/molecule-ai') {
  engine.containers = [
    { id: 'c-lg-1', name: 'ws-aaaaaaaaaaaa', image: image('langgraph', prefix) },
    { id: 'c-lg-2', name: 'ws-bbbbbbbbbbbb', image: image('langgraph', prefix) },
    { id: 'c-hermes', name: 'ws-cccccccccccc', image: image('hermes', prefix) },
    { id: 'c-other', name: 'ws-dddddddddddd', image: 'example.com/someone-else:latest' },
  ];
}

describe('POST /admin/workspace-images/refresh', () => {
  const db = useTestDatabase();

  describe('without a Docker engine', () => {
    const app = useTestApp(db, { ADMIN_TOKEN });

    it('is not there, even for an admin', async () => {
      for (const http of [app.http, app.http.withBearer(ADMIN_TOKEN)]) {
        const res = await http.post(`${REFRESH}?runtime=langgraph`);
        expect([res.status, res.body]).toEqual([404, { error: 'not found' }]);
      }
    });
  });

  describe('in Docker mode', () => {
    const engine = new FakeImageEngine();
    const app = useTestApp(db, { ADMIN_TOKEN }, [{ provide: ImageEngine, useValue: engine }]);
    const admin = () => app.http.withBearer(ADMIN_TOKEN);

    beforeEach(() => {
      engine.reset();
      fleet(engine);
    });

    it('needs admin auth', async () => {
      const anonymous = await app.http.post(REFRESH);
      expect([anonymous.status, anonymous.body]).toEqual([401, { error: 'admin auth required' }]);
      const wrong = await app.http.withBearer('nope').post(REFRESH);
      expect([wrong.status, wrong.body]).toEqual([401, { error: 'invalid admin auth token' }]);
      expect(engine.pulls).toEqual([]);
    });

    it('refuses an unknown runtime with the list of known ones', async () => {
      const res = await admin().post(`${REFRESH}?runtime=codex`);
      expect(res.status).toBe(400);
      expect(res.text).toBe(
        JSON.stringify({ error: 'unknown runtime: codex', known_runtimes: RUNTIMES }),
      );
      expect(engine.pulls).toEqual([]);
    });

    it('pulls one runtime and removes the containers created from its image', async () => {
      const res = await admin().post(`${REFRESH}?runtime=langgraph`);
      expect(res.status).toBe(200);
      expect(res.text).toBe(
        JSON.stringify({
          pulled: ['langgraph'],
          failed: [],
          recreated: ['ws-aaaaaaaaaaaa', 'ws-bbbbbbbbbbbb'],
        }),
      );
      expect(engine.pulls).toEqual([{ image: image('langgraph'), registryAuth: undefined }]);
      expect(engine.removed).toEqual(['c-lg-1', 'c-lg-2']);
    });

    it('refreshes every runtime, in the spec’s order, when none is named', async () => {
      const res = await admin().post(REFRESH);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        pulled: RUNTIMES,
        failed: [],
        recreated: ['ws-aaaaaaaaaaaa', 'ws-bbbbbbbbbbbb', 'ws-cccccccccccc'],
      });
      expect(engine.pulls.map((p) => p.image)).toEqual(RUNTIMES.map((rt) => image(rt)));
      expect(engine.removed).not.toContain('c-other');
    });

    it('only recreates for the exact value recreate=true (default true)', async () => {
      for (const value of ['false', 'TRUE', '1', '']) {
        engine.removed.length = 0;
        const res = await admin().post(`${REFRESH}?runtime=langgraph&recreate=${value}`);
        expect([value, res.status, res.body]).toEqual([
          value,
          200,
          { pulled: ['langgraph'], failed: [], recreated: [] },
        ]);
        expect(engine.removed).toEqual([]);
      }
      const res = await admin().post(`${REFRESH}?runtime=hermes&recreate=true`);
      expect(res.body.recreated).toEqual(['ws-cccccccccccc']);
    });

    it('reports a failed pull in `failed` and recreates nothing for it; arrays are never null', async () => {
      engine.missing.add(image('hermes'));
      const res = await admin().post(`${REFRESH}?runtime=hermes`);
      expect(res.status).toBe(200);
      expect(res.text).toBe('{"pulled":[],"failed":["hermes"],"recreated":[]}');
      expect(engine.removed).toEqual([]);
    });

    it('answers 500 with what was pulled when the containers cannot be listed, without engine text', async () => {
      engine.listFails = true;
      const res = await admin().post(`${REFRESH}?runtime=langgraph`);
      expect([res.status, res.body]).toEqual([
        500,
        {
          error: 'container list: listing workspace containers failed',
          partial_result: { pulled: ['langgraph'], failed: [], recreated: [] },
        },
      ]);
      expect(res.text).not.toMatch(/daemon|docker\.sock/i);
    });

    it('?stream=true streams the progress as NDJSON, ending with the same result object', async () => {
      const res = await admin().post(`${REFRESH}?runtime=langgraph&stream=true`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      expect(res.text.endsWith('\n')).toBe(true);
      const lines = res.text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
      expect(lines).toEqual([
        ...FAKE_PULL_PROGRESS.map((p) => ({ runtime: 'langgraph', ...p })),
        { runtime: 'langgraph', result: 'pulled' },
        { container: 'ws-aaaaaaaaaaaa', result: 'recreated' },
        { container: 'ws-bbbbbbbbbbbb', result: 'recreated' },
        { pulled: ['langgraph'], failed: [], recreated: ['ws-aaaaaaaaaaaa', 'ws-bbbbbbbbbbbb'] },
      ]);
    });

    it('?stream=true ends with the error object when the containers cannot be listed', async () => {
      engine.listFails = true;
      const res = await admin().post(`${REFRESH}?runtime=langgraph&stream=true`);
      expect(res.status).toBe(200);
      const last = JSON.parse(res.text.trimEnd().split('\n').pop()!) as unknown;
      expect(last).toEqual({
        error: 'container list: listing workspace containers failed',
        partial_result: { pulled: ['langgraph'], failed: [], recreated: [] },
      });
    });

    it('?stream=true still validates the runtime with a plain 400', async () => {
      const res = await admin().post(`${REFRESH}?runtime=nope&stream=true`);
      expect([res.status, res.body]).toEqual([
        400,
        { error: 'unknown runtime: nope', known_runtimes: RUNTIMES },
      ]);
    });
  });

  describe('with registry credentials and another registry', () => {
    const engine = new FakeImageEngine();
    const app = useTestApp(
      db,
      {
        ADMIN_TOKEN,
        GHCR_USER: ' bot ',
        GHCR_TOKEN: ' s3cret ',
        MOLECULE_IMAGE_REGISTRY: '127.0.0.1:5000/molecule-test',
      },
      [{ provide: ImageEngine, useValue: engine }],
    );

    it('pulls from that registry with the credentials for its host', async () => {
      fleet(engine, '127.0.0.1:5000/molecule-test');
      const res = await app.http.withBearer(ADMIN_TOKEN).post(`${REFRESH}?runtime=hermes`);
      expect(res.body).toEqual({ pulled: ['hermes'], failed: [], recreated: ['ws-cccccccccccc'] });
      expect(engine.pulls).toHaveLength(1);
      const { image: pulled, registryAuth } = engine.pulls[0];
      expect(pulled).toBe('127.0.0.1:5000/molecule-test/workspace-template-hermes:latest');
      const auth = Buffer.from(registryAuth!.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      expect(JSON.parse(auth.toString())).toEqual({
        username: 'bot',
        password: 's3cret',
        serveraddress: '127.0.0.1:5000',
      });
    });
  });
});
