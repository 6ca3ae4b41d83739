import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GithubDouble } from '../../../test/support/github-double';
import { gzippedTarball } from '../../../test/support/tarball';
import { GithubResolver } from './github-resolver';
import {
  PluginNotFoundError,
  PluginTooLargeError,
  UnsafePluginArchiveError,
} from './plugin-source';

const TOP = 'acme-review-plugin-0123abc';

describe('GithubResolver', () => {
  const github = new GithubDouble();
  let dst: string;

  beforeAll(() => github.start());
  afterAll(() => github.stop());

  beforeEach(async () => {
    dst = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-github-resolver-'));
    github.answers.clear();
    github.requests.length = 0;
    github.answers.set('acme/review-plugin#v1.2.0', {
      status: 200,
      headers: { 'content-type': 'application/x-gzip' },
      body: await gzippedTarball([
        { name: `${TOP}/`, type: 'directory' },
        { name: `${TOP}/plugin.yaml`, content: 'version: 1.2.0\n' },
        { name: `${TOP}/skills/review/SKILL.md`, content: '# Review\n' },
        { name: `${TOP}/bin/run.sh`, content: '#!/bin/sh\n', mode: 0o755 },
      ]),
    });
  });

  afterEach(() => fs.rmSync(dst, { recursive: true, force: true }));

  const resolver = (
    options: { allowUnpinned?: boolean; maxBytes?: number; maxEntries?: number } = {},
  ) =>
    new GithubResolver({
      apiUrl: github.url,
      allowUnpinned: options.allowUnpinned ?? false,
      limits: { maxBytes: options.maxBytes ?? 1024 * 1024, maxEntries: options.maxEntries ?? 100 },
    });
  const fetchInto = (spec: string, r = resolver(), signal = new AbortController().signal) =>
    r.fetch(spec, dst, signal);

  it('has the github scheme', () => {
    expect(resolver().scheme).toBe('github');
  });

  it('downloads the tarball at the pinned ref, drops the top directory, names the plugin after the repo', async () => {
    await expect(fetchInto('acme/review-plugin#v1.2.0')).resolves.toBe('review-plugin');
    expect(github.requests).toEqual(['/repos/acme/review-plugin/tarball/v1.2.0']);
    expect(fs.readFileSync(path.join(dst, 'plugin.yaml'), 'utf8')).toBe('version: 1.2.0\n');
    expect(fs.readFileSync(path.join(dst, 'skills/review/SKILL.md'), 'utf8')).toBe('# Review\n');
    expect(fs.statSync(path.join(dst, 'bin/run.sh')).mode & 0o111).not.toBe(0);
    expect(fs.readdirSync(dst).sort()).toEqual(['bin', 'plugin.yaml', 'skills']);
  });

  it('reads a commit SHA ref like a tag', async () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    github.answers.set(
      `acme/review-plugin#${sha}`,
      github.answers.get('acme/review-plugin#v1.2.0')!,
    );
    await expect(fetchInto(`acme/review-plugin#${sha}`)).resolves.toBe('review-plugin');
    expect(github.requests).toEqual([`/repos/acme/review-plugin/tarball/${sha}`]);
  });

  it('keeps the slashes of a ref', async () => {
    await fetchInto('acme/review-plugin#release/v1').catch(() => undefined);
    expect(github.requests).toEqual(['/repos/acme/review-plugin/tarball/release/v1']);
  });

  it('refuses an unpinned spec before any request, unless allowed', async () => {
    await expect(fetchInto('acme/review-plugin')).rejects.toThrow(/requires a pinned ref/);
    expect(github.requests).toEqual([]);
    await fetchInto('acme/review-plugin', resolver({ allowUnpinned: true })).catch(() => undefined);
    expect(github.requests).toEqual(['/repos/acme/review-plugin/tarball']);
  });

  it.each([
    [''],
    ['just-one'],
    ['a/b/c'],
    ['/owner/repo'],
    ['owner/repo/'],
    ['own er/repo'],
    ['owner/re$po'],
    ['owner/repo#has space'],
    ['owner/repo#-exec=evil'],
    ['owner/repo#'],
  ])('refuses the spec %p without a request', async (spec) => {
    await expect(fetchInto(spec, resolver({ allowUnpinned: true }))).rejects.toThrow(
      /must be <owner>\/<repo>\[#<ref>\]/,
    );
    expect(github.requests).toEqual([]);
  });

  it("maps GitHub's 404 to not found", async () => {
    const err = await fetchInto('acme/missing#v1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginNotFoundError);
  });

  it('keeps a rate-limit answer a plain error, with its detail for the log', async () => {
    github.answers.set('acme/review-plugin#v9', {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-github-request-id': 'ABCD:1234' },
      body: '{"message":"API rate limit exceeded for 203.0.113.9."}',
    });
    const err = await fetchInto('acme/review-plugin#v9').catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(PluginNotFoundError);
    expect((err as Error).message).toContain('403');
    expect((err as Error).message).toContain('rate limit');
  });

  it('refuses an archive that declares more bytes than the limit, before reading it', async () => {
    await expect(
      fetchInto('acme/review-plugin#v1.2.0', resolver({ maxBytes: 10 })),
    ).rejects.toBeInstanceOf(PluginTooLargeError);
    expect(fs.readdirSync(dst)).toEqual([]);
  });

  it('stops when the signal aborts (a hanging server)', async () => {
    github.answers.set('acme/slow#v1', { status: 200, hang: true });
    const controller = new AbortController();
    const fetching = fetchInto('acme/slow#v1', resolver(), controller.signal);
    controller.abort();
    await expect(fetching).rejects.toThrow();
  });

  it('refuses a hostile archive', async () => {
    github.answers.set('acme/evil#v1', {
      status: 200,
      body: await gzippedTarball([{ name: `${TOP}/../../escape.txt`, content: 'x' }]),
    });
    await expect(fetchInto('acme/evil#v1')).rejects.toBeInstanceOf(UnsafePluginArchiveError);
  });
});
