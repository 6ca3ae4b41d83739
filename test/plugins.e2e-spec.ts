import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { Clock } from '../src/common/clock/clock';
import { PluginStagingArea } from '../src/plugins/staging/staging-area';
import { ComputeBackends } from '../src/provisioner/compute-backends';
import { RestartRequests } from '../src/workspaces/lifecycle/restart-requests';
import { eventually } from './support/eventually';
import { insertOrgToken, insertToken, insertWorkspace } from './support/factories';
import { FakeClock } from './support/fake-clock';
import { FakeDocker } from './support/fake-compute';
import { GithubDouble } from './support/github-double';
import { gzippedTarball } from './support/tarball';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'plugins-e2e-admin-token';
const REVIEWER_YAML = [
  'name: reviewer',
  'version: 1.2.0',
  'description: Reviews code',
  'author: Acme',
  'tags: [review]',
  'skills: [review, lint]',
  'runtimes: [claude-code]',
  '',
].join('\n');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'plugins-e2e-'));
const PLUGINS_DIR = path.join(root, 'plugins');
const STAGING = path.join(root, 'staging');
writeFile('plugins/reviewer/plugin.yaml', REVIEWER_YAML);
writeFile('plugins/reviewer/skills/review/SKILL.md', '# Review\n');
writeFile('plugins/reviewer/rules/style.md', 'Use tabs.\n');
writeFile('plugins/bare/README.md', 'no manifest\n');
writeFile('plugins/hermes-only/plugin.yaml', 'version: 0.1.0\nruntimes: [hermes]\n');
fs.mkdirSync(STAGING);

function writeFile(relative: string, content: string): void {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** Text a failed fetch must never put on the wire. */
const LEAK_MARKERS = [
  'API rate limit exceeded',
  'ABCD:1234:EF56',
  'ghp_leakytoken0123456789',
  root,
];

describe('plugins', () => {
  const db = useTestDatabase();
  const docker = new FakeDocker();
  const clock = new FakeClock();
  const github = new GithubDouble();
  const restarts: { ids: readonly string[]; reason: string }[] = [];
  let githubUrl = '';

  beforeAll(async () => {
    await github.start();
    githubUrl = github.url;
  });
  afterAll(async () => {
    await github.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const t = useTestApp(
    db,
    {
      ADMIN_TOKEN,
      PLUGINS_DIR,
      get PLUGIN_GITHUB_API_URL() {
        return githubUrl;
      },
      PLUGIN_INSTALL_MAX_DIR_BYTES: '65536',
      PLUGIN_INSTALL_BODY_MAX_BYTES: '1024',
    } as Record<string, string>,
    [
      { provide: ComputeBackends, useValue: new ComputeBackends(docker, null) },
      { provide: Clock, useValue: clock },
      { provide: PluginStagingArea, useValue: new PluginStagingArea(STAGING) },
    ],
  );
  const admin = () => t.http.withBearer(ADMIN_TOKEN);

  beforeAll(() => {
    t.get(RestartRequests).on((ids, reason) => {
      restarts.push({ ids, reason });
    });
  });

  beforeEach(() => {
    restarts.length = 0;
    github.answers.clear();
    github.requests.length = 0;
  });

  afterEach(() => {
    expect(fs.readdirSync(STAGING)).toEqual([]);
  });

  /** A workspace whose container runs (its config volume starts empty). */
  async function runningWorkspace(seed: { runtime?: string; parent_id?: string } = {}) {
    const id = await insertWorkspace(db, { runtime: 'claude-code', ...seed });
    docker.containers.set(id, { running: true, spec: {} as never });
    return id;
  }

  const installed = (id: string) =>
    [...(docker.volumes.get(id)?.keys() ?? [])].filter((f) => f.startsWith('plugins/')).sort();

  describe('registry', () => {
    it('lists every plugin by folder name with its manifest fields', async () => {
      const res = await t.http.get('/plugins');
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        {
          name: 'bare',
          version: '',
          description: '',
          author: '',
          tags: null,
          skills: null,
          runtimes: null,
        },
        {
          name: 'hermes-only',
          version: '0.1.0',
          description: '',
          author: '',
          tags: null,
          skills: null,
          runtimes: ['hermes'],
        },
        {
          name: 'reviewer',
          version: '1.2.0',
          description: 'Reviews code',
          author: 'Acme',
          tags: ['review'],
          skills: ['review', 'lint'],
          runtimes: ['claude-code'],
        },
      ]);
    });

    it('filters by runtime (plugins declaring none stay; - and _ are one)', async () => {
      const res = await t.http.get('/plugins?runtime=claude_code');
      expect(res.body.map((p: { name: string }) => p.name)).toEqual(['bare', 'reviewer']);
    });

    it('lists the source schemes', async () => {
      const res = await t.http.get('/plugins/sources');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ schemes: ['github', 'local'] });
    });
  });

  describe('install', () => {
    it('stages a local plugin, delivers it as the agent user and asks for a restart', async () => {
      const id = await runningWorkspace();
      const res = await admin().post(`/workspaces/${id}/plugins`, {
        source: 'local://reviewer',
        sha256: createHash('sha256').update(REVIEWER_YAML).digest('hex'),
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'installed',
        plugin: 'reviewer',
        source: 'local://reviewer',
      });
      expect(installed(id)).toEqual([
        'plugins/reviewer/plugin.yaml',
        'plugins/reviewer/rules/style.md',
        'plugins/reviewer/skills/review/SKILL.md',
      ]);
      expect(docker.volumes.get(id)?.get('plugins/reviewer/plugin.yaml')?.toString()).toBe(
        REVIEWER_YAML,
      );
      expect(docker.owners.get(`${id}:plugins/reviewer/plugin.yaml`)).toBe('1000:1000 644');
      await eventually(async () => (restarts.length > 0 ? true : undefined), 'the restart request');
      expect(restarts).toEqual([{ ids: [id], reason: 'plugin reviewer installed' }]);
    });

    it("matches body keys case-insensitively, as Go's decoder", async () => {
      const id = await runningWorkspace();
      const res = await admin().post(`/workspaces/${id}/plugins`, { SOURCE: 'local://bare' });
      expect(res.status).toBe(200);
      expect(res.body.plugin).toBe('bare');
    });

    it('replaces an earlier install instead of mixing old files in', async () => {
      const id = await runningWorkspace();
      docker.volumes.set(id, new Map([['plugins/reviewer/stale.md', Buffer.from('old')]]));
      const res = await admin().post(`/workspaces/${id}/plugins`, { source: 'reviewer' });
      expect(res.status).toBe(200);
      expect(installed(id)).not.toContain('plugins/reviewer/stale.md');
    });

    it('installs a pinned GitHub plugin from the archive', async () => {
      github.answers.set('acme/lint-kit#v2.0.0', {
        status: 200,
        body: await gzippedTarball([
          { name: 'acme-lint-kit-abc/', type: 'directory' },
          { name: 'acme-lint-kit-abc/plugin.yaml', content: 'version: 2.0.0\n' },
        ]),
      });
      const id = await runningWorkspace();
      const res = await admin().post(`/workspaces/${id}/plugins`, {
        source: 'github://acme/lint-kit#v2.0.0',
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'installed',
        plugin: 'lint-kit',
        source: 'github://acme/lint-kit#v2.0.0',
      });
      expect(installed(id)).toEqual(['plugins/lint-kit/plugin.yaml']);
      expect(github.requests).toEqual(['/repos/acme/lint-kit/tarball/v2.0.0']);
    });

    const cases: [string, () => unknown, number, Record<string, unknown>][] = [
      [
        'no source',
        () => ({}),
        400,
        { error: '\'source\' is required (e.g. "local://my-plugin" or "github://owner/repo")' },
      ],
      ['a whitespace source', () => ({ source: '  ' }), 400, { error: 'invalid plugin source' }],
      ['a non-string source', () => ({ source: 7 }), 400, { error: 'invalid request body' }],
      ['a body that is not JSON', () => 'source=x', 400, { error: 'invalid request body' }],
      [
        'a body over PLUGIN_INSTALL_BODY_MAX_BYTES',
        () => ({ source: 'local://reviewer', pad: 'x'.repeat(2000) }),
        400,
        { error: 'invalid request body' },
      ],
      [
        'an unknown scheme',
        () => ({ source: 'clawhub://sonos' }),
        400,
        { error: 'failed to resolve plugin source', available_schemes: ['github', 'local'] },
      ],
      [
        'a traversal',
        () => ({ source: 'local://../../../etc/passwd' }),
        400,
        { error: 'invalid plugin name' },
      ],
      [
        'a missing local plugin',
        () => ({ source: 'local://absent' }),
        404,
        { error: 'failed to fetch plugin from local', source: 'local://absent' },
      ],
      [
        'an upper-case local name (handler check passes, resolver refuses: bad input, not a failed fetch)',
        () => ({ source: 'local://Reviewer' }),
        400,
        { error: 'invalid plugin name' },
      ],
      [
        'a GitHub spec that is not owner/repo[#ref]',
        () => ({ source: 'github://acme#v1' }),
        400,
        { error: 'invalid plugin source' },
      ],
      [
        'an unpinned GitHub source',
        () => ({ source: 'github://acme/lint-kit' }),
        422,
        {
          error:
            'unpinned github source: append a tag or commit SHA (e.g. "github://owner/repo#v1.2.0"). Set PLUGIN_ALLOW_UNPINNED=true to override',
          source: 'github://acme/lint-kit',
        },
      ],
      [
        'a GitHub repository that does not exist',
        () => ({ source: 'github://acme/nope#v1' }),
        404,
        { error: 'failed to fetch plugin from github', source: 'github://acme/nope#v1' },
      ],
      [
        'a wrong caller pin',
        () => ({ source: 'local://reviewer', sha256: 'deadbeef' }),
        422,
        {
          error: `sha256 mismatch: expected deadbeef, got ${createHash('sha256').update(REVIEWER_YAML).digest('hex')}`,
          source: 'local://reviewer',
        },
      ],
    ];

    it.each(cases)('refuses %s', async (_label, body, status, expected) => {
      const id = await runningWorkspace();
      const res = await admin().post(`/workspaces/${id}/plugins`, body());
      expect({ status: res.status, body: res.body }).toEqual({ status, body: expected });
      expect(installed(id)).toEqual([]);
      expect(restarts).toEqual([]);
    });

    it('answers a GitHub rate limit with 502 and none of its text', async () => {
      github.answers.set('acme/lint-kit#v1', {
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-github-request-id': 'ABCD:1234:EF56' },
        body: '{"message":"API rate limit exceeded for ghp_leakytoken0123456789"}',
      });
      const id = await runningWorkspace();
      const res = await admin().post(`/workspaces/${id}/plugins`, {
        source: 'github://acme/lint-kit#v1',
      });
      expect(res.status).toBe(502);
      expect(res.body).toEqual({
        error: 'failed to fetch plugin from github',
        source: 'github://acme/lint-kit#v1',
      });
      for (const marker of LEAK_MARKERS) expect(res.text).not.toContain(marker);
    });

    it('answers 504 when the fetch outlives PLUGIN_INSTALL_FETCH_TIMEOUT', async () => {
      github.answers.set('acme/slow#v1', { status: 200, hang: true });
      const id = await runningWorkspace();
      const pending = admin().post(`/workspaces/${id}/plugins`, {
        source: 'github://acme/slow#v1',
      });
      await eventually(async () => (github.requests.length > 0 ? true : undefined), 'the fetch');
      expect(github.requests).toEqual(['/repos/acme/slow/tarball/v1']);
      clock.advance(5 * 60_000);
      const res = await pending;
      expect(res.status).toBe(504);
      expect(res.body).toEqual({
        error: 'failed to fetch plugin from github',
        source: 'github://acme/slow#v1',
      });
    });

    it.each([
      [
        'a .. entry',
        'acme-evil-1/../../../etc/cron.d/evil',
        422,
        'plugin archive contains unsafe entries',
      ],
      ['an absolute entry', '/etc/cron.d/evil', 422, 'plugin archive contains unsafe entries'],
    ])('refuses an archive with %s and writes nothing', async (_label, name, status, error) => {
      github.answers.set('acme/evil#v1', {
        status: 200,
        body: await gzippedTarball([
          { name: 'acme-evil-1/plugin.yaml', content: 'version: 1\n' },
          { name, content: '* * * * * root rm -rf /' },
        ]),
      });
      const id = await runningWorkspace();
      const res = await admin().post(`/workspaces/${id}/plugins`, {
        source: 'github://acme/evil#v1',
      });
      expect({ status: res.status, body: res.body }).toEqual({
        status,
        body: { error, source: 'github://acme/evil#v1' },
      });
      expect(installed(id)).toEqual([]);
    });

    it('refuses an archive over the size limit with 413', async () => {
      github.answers.set('acme/huge#v1', {
        status: 200,
        body: await gzippedTarball([{ name: 'acme-huge-1/blob', content: Buffer.alloc(100_000) }]),
      });
      const id = await runningWorkspace();
      const res = await admin().post(`/workspaces/${id}/plugins`, {
        source: 'github://acme/huge#v1',
      });
      expect(res.status).toBe(413);
      expect(res.body).toEqual({
        error: 'staged plugin exceeds size limit',
        source: 'github://acme/huge#v1',
      });
    });

    it('needs a running container (503) and an existing workspace (404)', async () => {
      const stopped = await insertWorkspace(db);
      const res = await admin().post(`/workspaces/${stopped}/plugins`, { source: 'reviewer' });
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: 'workspace container not running' });
      const unknown = await admin().post(
        '/workspaces/00000000-0000-4000-8000-000000000000/plugins',
        { source: 'reviewer' },
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ error: 'workspace not found' });
    });

    it("enforces the org allowlist of the workspace's direct parent", async () => {
      const org = await insertWorkspace(db);
      const child = await runningWorkspace({ parent_id: org });
      const put = await admin().put(`/orgs/${org}/plugins/allowlist`, {
        plugins: ['lint-kit'],
        enabled_by: 'ops',
      });
      expect(put.status).toBe(200);
      const refused = await admin().post(`/workspaces/${child}/plugins`, { source: 'reviewer' });
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ error: 'plugin "reviewer" is not in the org allowlist' });
      expect(installed(child)).toEqual([]);

      await admin().put(`/orgs/${org}/plugins/allowlist`, {
        plugins: ['reviewer'],
        enabled_by: 'ops',
      });
      const allowed = await admin().post(`/workspaces/${child}/plugins`, { source: 'reviewer' });
      expect(allowed.status).toBe(200);
    });
  });

  describe('installed, available, compatibility', () => {
    it('lists what /configs/plugins holds, marked for the runtime', async () => {
      const id = await runningWorkspace({ runtime: 'hermes' });
      await admin().post(`/workspaces/${id}/plugins`, { source: 'reviewer' });
      await admin().post(`/workspaces/${id}/plugins`, { source: 'bare' });
      const res = await admin().get(`/workspaces/${id}/plugins`);
      expect(res.status).toBe(200);
      expect(
        res.body.map((p: { name: string; supported_on_runtime: boolean }) => [
          p.name,
          p.supported_on_runtime,
        ]),
      ).toEqual([
        ['bare', true],
        ['reviewer', false],
      ]);
      const compat = await admin().get(
        `/workspaces/${id}/plugins/compatibility?runtime=claude-code`,
      );
      expect(compat.status).toBe(200);
      expect(compat.body.target_runtime).toBe('claude-code');
      expect(compat.body.all_compatible).toBe(true);
      expect(compat.body.compatible.map((p: { name: string }) => p.name)).toEqual([
        'bare',
        'reviewer',
      ]);
      const hermes = await admin().get(`/workspaces/${id}/plugins/compatibility?runtime=hermes`);
      expect(hermes.body.all_compatible).toBe(false);
      expect(hermes.body.incompatible.map((p: { name: string }) => p.name)).toEqual(['reviewer']);
    });

    it('answers [] and trivially compatible for a workspace with nothing installed', async () => {
      const id = await insertWorkspace(db, { runtime: 'langgraph' });
      expect((await admin().get(`/workspaces/${id}/plugins`)).body).toEqual([]);
      const compat = await admin().get(`/workspaces/${id}/plugins/compatibility?runtime=hermes`);
      expect(compat.body).toEqual({
        target_runtime: 'hermes',
        compatible: [],
        incompatible: [],
        all_compatible: true,
      });
    });

    it('requires the runtime query parameter', async () => {
      const id = await insertWorkspace(db);
      const res = await admin().get(`/workspaces/${id}/plugins/compatibility`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'runtime query parameter is required' });
    });

    it('filters the registry by the workspace runtime', async () => {
      const id = await insertWorkspace(db, { runtime: 'hermes' });
      const res = await admin().get(`/workspaces/${id}/plugins/available`);
      expect(res.body.map((p: { name: string }) => p.name)).toEqual(['bare', 'hermes-only']);
    });

    it('answers 500 when the container cannot be listed', async () => {
      const id = await runningWorkspace();
      docker.intercept('listConfigFiles', () => {
        throw new Error('Error response from daemon: exec failed /var/lib/docker');
      });
      try {
        const res = await admin().get(`/workspaces/${id}/plugins/compatibility?runtime=x`);
        expect(res.status).toBe(500);
        expect(res.body).toEqual({ error: 'failed to list installed plugins' });
      } finally {
        docker.clearInterceptors();
      }
    });
  });

  describe('uninstall', () => {
    it('removes the plugin, its skills and its CLAUDE.md blocks, then asks for a restart', async () => {
      const id = await runningWorkspace();
      await admin().post(`/workspaces/${id}/plugins`, { source: 'reviewer' });
      const volume = docker.volumes.get(id)!;
      volume.set('skills/review/SKILL.md', Buffer.from('# Review\n'));
      volume.set('skills/lint/SKILL.md', Buffer.from('# Lint\n'));
      volume.set('skills/other/SKILL.md', Buffer.from('# Other\n'));
      volume.set(
        'CLAUDE.md',
        Buffer.from(
          '# Rules\n# Plugin: reviewer / rule: style.md\nUse tabs.\n# Plugin: x / r\nkeep\n',
        ),
      );
      restarts.length = 0;

      const res = await admin().delete(`/workspaces/${id}/plugins/reviewer`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'uninstalled', plugin: 'reviewer' });
      expect([...volume.keys()].sort()).toEqual(['CLAUDE.md', 'skills/other/SKILL.md']);
      expect(volume.get('CLAUDE.md')?.toString()).toBe('# Rules\n# Plugin: x / r\nkeep\n');
      await eventually(async () => (restarts.length > 0 ? true : undefined), 'the restart request');
      expect(restarts).toEqual([{ ids: [id], reason: 'plugin reviewer uninstalled' }]);
    });

    it.each([['..%2F..%2Fetc'], ['a..b'], ['x%5Cy']])('refuses the name %p', async (name) => {
      const id = await runningWorkspace();
      const res = await admin().delete(`/workspaces/${id}/plugins/${name}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid plugin name' });
    });

    it('needs a running container', async () => {
      const id = await insertWorkspace(db);
      const res = await admin().delete(`/workspaces/${id}/plugins/reviewer`);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: 'workspace container not running' });
    });

    it('answers 500 when the removal fails', async () => {
      const id = await runningWorkspace();
      docker.intercept('removeFromConfigs', () => {
        throw new Error('OCI runtime exec failed: /var/lib/docker/overlay2');
      });
      try {
        const res = await admin().delete(`/workspaces/${id}/plugins/reviewer`);
        expect(res.status).toBe(500);
        expect(res.body).toEqual({ error: 'failed to remove plugin' });
      } finally {
        docker.clearInterceptors();
      }
    });
  });

  describe('download', () => {
    async function archiveNames(body: ArrayBuffer): Promise<string[]> {
      const extract = tar.extract();
      Readable.from([gunzipSync(Buffer.from(body))]).pipe(extract);
      const names: string[] = [];
      for await (const entry of extract) {
        names.push(entry.header.name);
        entry.resume();
      }
      return names;
    }

    it('streams a tokenless workspace the plugin as tar.gz', async () => {
      const id = await insertWorkspace(db);
      const res = await fetch(`${t.baseUrl}/workspaces/${id}/plugins/reviewer/download`, {
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/gzip');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="reviewer.tar.gz"');
      expect(res.headers.get('x-plugin-name')).toBe('reviewer');
      expect(res.headers.get('x-plugin-source')).toBe('local://reviewer');
      const body = await res.arrayBuffer();
      expect(Number(res.headers.get('content-length'))).toBe(body.byteLength);
      expect(await archiveNames(body)).toEqual([
        'plugin.yaml',
        'rules/',
        'rules/style.md',
        'skills/',
        'skills/review/',
        'skills/review/SKILL.md',
      ]);
    });

    it('streams a pinned GitHub source and echoes it', async () => {
      github.answers.set('acme/lint-kit#v3', {
        status: 200,
        body: await gzippedTarball([{ name: 'top/plugin.yaml', content: 'version: 3\n' }]),
      });
      const id = await insertWorkspace(db);
      const res = await fetch(
        `${t.baseUrl}/workspaces/${id}/plugins/lint-kit/download?source=github://acme/lint-kit%23v3`,
        { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('x-plugin-source')).toBe('github://acme/lint-kit#v3');
      expect(await archiveNames(await res.arrayBuffer())).toEqual(['plugin.yaml']);
    });

    it("requires the workspace's own token once it has one", async () => {
      const id = await insertWorkspace(db);
      const token = await insertToken(db, id);
      const admin401 = await admin().get(`/workspaces/${id}/plugins/reviewer/download`);
      expect(admin401.status).toBe(401);
      expect(admin401.body).toEqual({ error: 'invalid workspace auth token' });
      const own = await t.http.withBearer(token).get(`/workspaces/${id}/plugins/reviewer/download`);
      expect(own.status).toBe(200);
    });

    it('refuses a source that resolves to another plugin, and bad names', async () => {
      const id = await insertWorkspace(db);
      const res = await admin().get(
        `/workspaces/${id}/plugins/bare/download?source=local://reviewer`,
      );
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: 'source resolved to plugin "reviewer" but URL requested "bare"',
        resolved_name: 'reviewer',
        requested_name: 'bare',
      });
      const bad = await admin().get(`/workspaces/${id}/plugins/a..b/download`);
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ error: 'invalid plugin name' });
      const missing = await admin().get(`/workspaces/${id}/plugins/absent/download`);
      expect(missing.status).toBe(404);
    });
  });

  describe('org allowlist routes', () => {
    it('reads an empty list as allow-all, then the stored rows by name', async () => {
      const org = await insertWorkspace(db);
      const empty = await admin().get(`/orgs/${org}/plugins/allowlist`);
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual({ org_id: org, plugins: [], allow_all: true });

      const put = await admin().put(`/orgs/${org}/plugins/allowlist`, {
        plugins: ['zeta', 'alpha', 'zeta'],
        enabled_by: 'alice',
      });
      expect(put.status).toBe(200);
      expect(put.body).toEqual({
        org_id: org,
        plugins: ['zeta', 'alpha', 'zeta'],
        allow_all: false,
      });

      const rows = await admin().get(`/orgs/${org}/plugins/allowlist`);
      expect(rows.body).toEqual({
        org_id: org,
        plugins: [
          { plugin_name: 'alpha', enabled_by: 'alice', enabled_at: expect.any(String) },
          { plugin_name: 'zeta', enabled_by: 'alice', enabled_at: expect.any(String) },
        ],
        allow_all: false,
      });

      const folded = await admin().put(`/orgs/${org}/plugins/allowlist`, {
        Plugins: ['beta'],
        ENABLED_BY: 'bob',
      });
      expect(folded.body).toEqual({ org_id: org, plugins: ['beta'], allow_all: false });

      const cleared = await admin().put(`/orgs/${org}/plugins/allowlist`, { enabled_by: 'alice' });
      expect(cleared.body).toEqual({ org_id: org, plugins: null, allow_all: true });
      expect((await admin().get(`/orgs/${org}/plugins/allowlist`)).body.plugins).toEqual([]);
    });

    it.each([
      [{ plugins: ['x'] }, { error: 'enabled_by is required' }],
      [{ plugins: 'x', enabled_by: 'a' }, { error: 'invalid request body' }],
      [{ plugins: [1], enabled_by: 'a' }, { error: 'invalid request body' }],
      [
        { plugins: ['ok', '../../evil'], enabled_by: 'a' },
        {
          error: 'invalid plugin name',
          plugin_name: '../../evil',
          detail: "invalid plugin name: must not contain path separators or '..'",
        },
      ],
      [
        { plugins: [''], enabled_by: 'a' },
        { error: 'invalid plugin name', plugin_name: '', detail: 'plugin name is required' },
      ],
    ])('refuses %j before touching the org', async (body, expected) => {
      const res = await admin().put(
        '/orgs/00000000-0000-4000-8000-000000000000/plugins/allowlist',
        body,
      );
      expect(res.status).toBe(400);
      expect(res.body).toEqual(expected);
    });

    it('answers 404 for an unknown org and 400 for a malformed id', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect((await admin().get(`/orgs/${unknown}/plugins/allowlist`)).body).toEqual({
        error: 'org not found',
      });
      const put = await admin().put(`/orgs/${unknown}/plugins/allowlist`, {
        plugins: [],
        enabled_by: 'a',
      });
      expect(put.status).toBe(404);
      const bad = await admin().get('/orgs/not-a-uuid/plugins/allowlist');
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ error: 'invalid workspace ID' });
    });

    it("lets an org token manage only its own org's list", async () => {
      const org = await insertWorkspace(db);
      const other = await insertWorkspace(db);
      const own = t.http.withBearer(await insertOrgToken(db, org));
      const foreign = t.http.withBearer(await insertOrgToken(db, other));
      const unanchored = t.http.withBearer(await insertOrgToken(db, null));
      expect((await own.get(`/orgs/${org}/plugins/allowlist`)).status).toBe(200);
      for (const client of [foreign, unanchored]) {
        const res = await client.get(`/orgs/${org}/plugins/allowlist`);
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ error: 'org access denied' });
        const put = await client.put(`/orgs/${org}/plugins/allowlist`, {
          plugins: ['x'],
          enabled_by: 'mallory',
        });
        expect(put.status).toBe(403);
      }
      expect((await admin().get(`/orgs/${org}/plugins/allowlist`)).body.plugins).toEqual([]);
    });

    it('requires admin auth', async () => {
      const org = await insertWorkspace(db);
      expect((await t.http.get(`/orgs/${org}/plugins/allowlist`)).status).toBe(401);
    });
  });
});
