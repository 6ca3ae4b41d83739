import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { quietLogs } from '../../../test/support/unit';
import { ApiError } from '../../common/http/api-error';
import { loadConfig } from '../../config/load-config';
import {
  PluginNotFoundError,
  PluginSpecError,
  PluginTooLargeError,
  SourceResolver,
  UnsafePluginArchiveError,
} from '../sources/plugin-source';
import { PluginSourceRegistry } from '../sources/plugin-sources';
import { PluginStager, StageRequest } from './plugin-stager';
import { treeDigest } from './plugin-tree';
import { PluginStagingArea } from './staging-area';

/** Text a resolver error may carry that must never reach a client. */
const LEAK_MARKERS = [
  'API rate limit exceeded for 203.0.113.9',
  'x-github-request-id: 9F3C:1A2B:3C4D',
  'auth_token=sk-live-0123456789',
  'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB',
  '/etc/passwd',
  '/home/runner/.config/gh/hosts.yml',
];
const LEAKY = `GET https://api.github.com/repos/acme/x/tarball/v1: 403 ${LEAK_MARKERS.join(' | ')}`;

const PLUGIN_YAML = 'name: demo\nversion: 1.0.0\n';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

type Behaviour = (dst: string, signal: AbortSignal) => Promise<string>;

describe('PluginStager.stage (spec 05 §7.5)', () => {
  quietLogs();
  let stagingRoot: string;
  let behaviour: Behaviour;
  /** A deadline or cancellation a row's resolver fires mid-fetch. */
  let outside = new AbortController();

  const resolver = (scheme: string): SourceResolver => ({
    scheme,
    fetch: (_spec, dst, signal) => behaviour(dst, signal),
  });
  const writes =
    (files: Record<string, string>, name = 'demo'): Behaviour =>
    async (dst) => {
      for (const [file, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dst, file)), { recursive: true });
        fs.writeFileSync(path.join(dst, file), content);
      }
      return name;
    };
  const untilAborted: Behaviour = (_dst, signal) =>
    new Promise((_resolve, reject) => {
      const fail = () => reject(new Error(`aborted: ${LEAKY}`));
      if (signal.aborted) fail();
      else signal.addEventListener('abort', fail);
    });

  const stager = (env: Record<string, string> = {}, root?: string) => {
    const sources = new PluginSourceRegistry();
    for (const scheme of ['local', 'github', 'stub']) sources.register(resolver(scheme));
    const config = loadConfig({ PLUGIN_INSTALL_MAX_DIR_BYTES: '1024', ...env }).config;
    return new PluginStager(config, sources, new PluginStagingArea(root ?? stagingRoot));
  };
  const request = (source: string, extra: Partial<StageRequest> = {}): StageRequest => ({
    source,
    deadline: new AbortController().signal,
    ...extra,
  });
  const failure = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    return { status: (err as ApiError).status, body: (err as ApiError).body };
  };

  beforeEach(() => {
    stagingRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-stager-'));
    behaviour = writes({ 'plugin.yaml': PLUGIN_YAML });
  });

  afterEach(() => fs.rmSync(stagingRoot, { recursive: true, force: true }));

  interface Row {
    readonly name: string;
    readonly source: string;
    readonly behaviour?: Behaviour;
    readonly request?: () => Partial<StageRequest>;
    readonly status: number;
    readonly body: Record<string, unknown>;
  }

  const rows: Row[] = [
    {
      name: 'empty source',
      source: '',
      status: 400,
      body: { error: '\'source\' is required (e.g. "local://my-plugin" or "github://owner/repo")' },
    },
    {
      name: 'whitespace source',
      source: '   ',
      status: 400,
      body: { error: 'invalid plugin source' },
    },
    {
      name: 'empty spec after the scheme',
      source: 'github://',
      status: 400,
      body: { error: 'invalid plugin source' },
    },
    {
      name: 'unknown scheme',
      source: 'ftp://plugins.example/x',
      status: 400,
      body: {
        error: 'failed to resolve plugin source',
        available_schemes: ['github', 'local', 'stub'],
      },
    },
    {
      name: 'local path traversal',
      source: 'local://../../../etc/passwd',
      status: 400,
      body: { error: 'invalid plugin name' },
    },
    {
      name: 'local backslash',
      source: 'local://a\\b',
      status: 400,
      body: { error: 'invalid plugin name' },
    },
    {
      name: 'bare traversal',
      source: '../secrets',
      status: 400,
      body: { error: 'invalid plugin name' },
    },
    {
      name: 'unpinned github',
      source: 'github://acme/plugin',
      status: 422,
      body: {
        error:
          'unpinned github source: append a tag or commit SHA (e.g. "github://owner/repo#v1.2.0"). Set PLUGIN_ALLOW_UNPINNED=true to override',
        source: 'github://acme/plugin',
      },
    },
    {
      name: 'fetch: not found',
      source: 'github://acme/plugin#v1',
      behaviour: () => Promise.reject(new PluginNotFoundError(LEAKY)),
      status: 404,
      body: { error: 'failed to fetch plugin from github', source: 'github://acme/plugin#v1' },
    },
    {
      name: 'fetch: leaky generic failure',
      source: 'github://acme/plugin#v1',
      behaviour: () => Promise.reject(new Error(LEAKY)),
      status: 502,
      body: { error: 'failed to fetch plugin from github', source: 'github://acme/plugin#v1' },
    },
    {
      name: 'fetch: deadline exceeded',
      source: 'stub://slow',
      behaviour: (dst, signal) => {
        outside.abort(); // the deadline expires while the resolver is at work
        return untilAborted(dst, signal);
      },
      request: () => ({ deadline: (outside = new AbortController()).signal }),
      status: 504,
      body: { error: 'failed to fetch plugin from stub', source: 'stub://slow' },
    },
    {
      name: 'fetch: cancelled, not timed out',
      source: 'stub://slow',
      behaviour: (dst, signal) => {
        outside.abort(); // the client goes away while the resolver is at work
        return untilAborted(dst, signal);
      },
      request: () => ({ cancel: (outside = new AbortController()).signal }),
      status: 502,
      body: { error: 'failed to fetch plugin from stub', source: 'stub://slow' },
    },
    {
      name: 'fetch: archive over the size limit',
      source: 'github://acme/plugin#v1',
      behaviour: () => Promise.reject(new PluginTooLargeError()),
      status: 413,
      body: { error: 'staged plugin exceeds size limit', source: 'github://acme/plugin#v1' },
    },
    {
      name: 'fetch: hostile archive',
      source: 'github://acme/plugin#v1',
      behaviour: () => Promise.reject(new UnsafePluginArchiveError(LEAKY)),
      status: 422,
      body: { error: 'plugin archive contains unsafe entries', source: 'github://acme/plugin#v1' },
    },
    {
      name: 'resolver returns a traversal name',
      source: 'stub://x',
      behaviour: writes({ 'plugin.yaml': PLUGIN_YAML }, '../../etc'),
      status: 400,
      body: { error: 'resolver returned invalid plugin name', source: 'stub://x' },
    },
    {
      name: 'resolver returns a path',
      source: 'stub://x',
      behaviour: writes({}, 'foo/bar'),
      status: 400,
      body: { error: 'resolver returned invalid plugin name', source: 'stub://x' },
    },
    {
      name: 'staged tree over the size limit',
      source: 'stub://big',
      behaviour: writes({ 'a.bin': 'x'.repeat(600), 'b/c.bin': 'y'.repeat(600) }),
      status: 413,
      body: { error: 'staged plugin exceeds size limit', source: 'stub://big' },
    },
    {
      name: 'manifest digest mismatch',
      source: 'stub://x',
      behaviour: writes({
        'plugin.yaml': PLUGIN_YAML,
        'manifest.json': `{"sha256":"${'0'.repeat(64)}"}`,
      }),
      status: 422,
      body: { error: 'plugin manifest integrity check failed', source: 'stub://x' },
    },
    {
      name: 'unparsable manifest',
      source: 'stub://x',
      behaviour: writes({ 'manifest.json': '{not json' }),
      status: 422,
      body: { error: 'plugin manifest integrity check failed', source: 'stub://x' },
    },
    {
      name: 'manifest sha256 not a string',
      source: 'stub://x',
      behaviour: writes({ 'manifest.json': '{"sha256": 42}' }),
      status: 422,
      body: { error: 'plugin manifest integrity check failed', source: 'stub://x' },
    },
    {
      name: 'caller pin without plugin.yaml',
      source: 'stub://x',
      behaviour: writes({ 'README.md': 'hi' }),
      request: () => ({ sha256: sha(PLUGIN_YAML) }),
      status: 422,
      body: {
        error: 'sha256 check failed: plugin.yaml not found in staged plugin',
        source: 'stub://x',
      },
    },
    {
      name: 'caller pin mismatch',
      source: 'stub://x',
      request: () => ({ sha256: 'abc123' }),
      status: 422,
      body: {
        error: `sha256 mismatch: expected abc123, got ${sha(PLUGIN_YAML)}`,
        source: 'stub://x',
      },
    },
  ];

  it.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    if (row.behaviour) behaviour = row.behaviour;
    const { status, body } = await failure(stager().stage(request(row.source, row.request?.())));
    expect({ status, body }).toEqual({ status: row.status, body: row.body });
    const wire = JSON.stringify(body);
    for (const marker of [...LEAK_MARKERS, stagingRoot]) expect(wire).not.toContain(marker);
    expect(fs.readdirSync(stagingRoot)).toEqual([]);
  });

  it('answers 500 when no staging directory can be created', async () => {
    const { status, body } = await failure(
      stager({}, path.join(stagingRoot, 'missing')).stage(request('stub://x')),
    );
    expect({ status, body }).toEqual({
      status: 500,
      body: { error: 'failed to create staging dir' },
    });
  });

  it('stages a plugin and hands it over until discarded', async () => {
    const staged = await stager().stage(request('stub://demo'));
    expect(staged.name).toBe('demo');
    expect(staged.source.raw).toBe('stub://demo');
    expect(path.dirname(staged.dir)).toBe(stagingRoot);
    expect(path.basename(staged.dir)).toMatch(/^molecule-plugin-fetch-/);
    expect(fs.readFileSync(path.join(staged.dir, 'plugin.yaml'), 'utf8')).toBe(PLUGIN_YAML);
    await staged.discard();
    expect(fs.readdirSync(stagingRoot)).toEqual([]);
  });

  it('accepts a matching caller pin in any case, and a matching manifest digest', async () => {
    behaviour = writes({ 'plugin.yaml': PLUGIN_YAML, 'skills/x/SKILL.md': '# X\n' });
    const unpinned = await stager().stage(request('stub://demo'));
    const digest = await treeDigest(unpinned.dir);
    await unpinned.discard();
    behaviour = writes({
      'plugin.yaml': PLUGIN_YAML,
      'skills/x/SKILL.md': '# X\n',
      'manifest.json': JSON.stringify({ sha256: digest.toUpperCase() }),
    });
    const staged = await stager().stage(
      request('stub://demo', { sha256: sha(PLUGIN_YAML).toUpperCase() }),
    );
    await staged.discard();
  });

  it('lets an unpinned github source through when PLUGIN_ALLOW_UNPINNED=true', async () => {
    const staged = await stager({ PLUGIN_ALLOW_UNPINNED: 'true' }).stage(
      request('github://acme/demo'),
    );
    expect(staged.name).toBe('demo');
    await staged.discard();
  });

  it('passes a spec ending in # to the resolver (its refusal of the spec is a 400)', async () => {
    behaviour = () =>
      Promise.reject(
        new PluginSpecError(
          'invalid plugin source',
          'github resolver: spec must be <owner>/<repo>[#<ref>]',
        ),
      );
    expect(await failure(stager().stage(request('github://acme/demo#')))).toEqual({
      status: 400,
      body: { error: 'invalid plugin source' },
    });
  });

  it('counts a tree exactly at the limit as fitting', async () => {
    behaviour = writes({ 'plugin.yaml': 'x'.repeat(1024) });
    const staged = await stager().stage(request('stub://demo'));
    await staged.discard();
  });
});
