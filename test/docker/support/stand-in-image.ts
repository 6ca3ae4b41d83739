import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tar from 'tar-stream';
import { testDocker } from './docker-client';

/** `MOLECULE_IMAGE_REGISTRY` for tests: images under it exist only on this engine. */
export const TEST_IMAGE_REGISTRY = 'molecule-test';
/** The same agent with the upload ingest endpoint on (a registry of its own: no tag clashes). */
export const TEST_INGEST_IMAGE_REGISTRY = 'molecule-test-ingest';
const HASH_ENV = 'STAND_IN_CONTENT_HASH';
const AGENT_SCRIPT = path.join(__dirname, 'stand-in', 'agent.mjs');
/** The tools the files routes exec in a workspace container, besides node itself. */
const TOOLS = ['node', 'sh', 'rm', 'cat', 'find', 'stat', 'mkdir', 'ls'];

export interface StandInOptions {
  /** Runtimes to tag the image for (`<registry>/workspace-template-<runtime>:latest`). */
  readonly runtimes?: readonly string[];
  /**
   * Serve the upload ingest endpoint (spec 03 §6.4) unless the workspace env says
   * `STAND_IN_INGEST=0`. These images live under `molecule-test-ingest`.
   */
  readonly ingest?: boolean;
}

export interface StandInImages {
  /** The value for `MOLECULE_IMAGE_REGISTRY`. */
  readonly registry: string;
  /** One image reference per runtime asked for. */
  readonly refs: string[];
}

/**
 * The stand-in workspace image: this machine's `node` and a few shell tools with their shared
 * libraries, plus `agent.mjs`, imported with `docker import` (nothing is pulled). Built once and
 * reused while its content hash matches; concurrent test workers wait for one build. Returns
 * the image references, one per runtime.
 */
export async function ensureStandInImage(options: StandInOptions = {}): Promise<StandInImages> {
  const runtimes = options.runtimes ?? ['langgraph'];
  const ingest = options.ingest ?? false;
  const registry = ingest ? TEST_INGEST_IMAGE_REGISTRY : TEST_IMAGE_REGISTRY;
  const files = rootFiles();
  const hash = contentHash(files, ingest);
  const refs = runtimes.map((rt) => `${registry}/workspace-template-${rt}:latest`);
  const stale = [];
  for (const ref of refs) if ((await imageHash(ref)) !== hash) stale.push(ref);
  if (stale.length === 0) return { registry, refs };

  const base = `${registry}/stand-in:${hash.slice(0, 16)}`;
  if ((await imageHash(base)) !== hash) {
    await withBuildLock(hash, async () => {
      if ((await imageHash(base)) !== hash) await importImage(base, files, hash, ingest);
    });
  }
  const docker = testDocker();
  for (const ref of stale) {
    const [repo] = ref.split(':');
    await docker.getImage(base).tag({ repo, tag: 'latest' });
  }
  return { registry, refs };
}

interface RootFile {
  readonly name: string;
  readonly source?: string;
  readonly content?: Buffer;
  readonly mode: number;
}

/** Tools and libraries at the paths the loader looks for them, the agent, a minimal /etc. */
function rootFiles(): RootFile[] {
  const files = new Map<string, RootFile>();
  for (const tool of TOOLS) {
    const binary = which(tool);
    files.set(`bin/${tool}`, { name: `bin/${tool}`, source: fs.realpathSync(binary), mode: 0o755 });
    for (const lib of sharedLibraries(binary)) {
      const name = lib.replace(/^\//, '');
      files.set(name, { name, source: fs.realpathSync(lib), mode: 0o755 });
    }
  }
  files.set('agent/agent.mjs', { name: 'agent/agent.mjs', source: AGENT_SCRIPT, mode: 0o644 });
  files.set('etc/passwd', {
    name: 'etc/passwd',
    content: Buffer.from('root:x:0:0:root:/root:/bin/sh\n'),
    mode: 0o644,
  });
  files.set('etc/group', { name: 'etc/group', content: Buffer.from('root:x:0:\n'), mode: 0o644 });
  return [...files.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function which(tool: string): string {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const candidate = path.join(dir, tool);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  throw new Error(`${tool} not found on PATH: the stand-in image needs it`);
}

function sharedLibraries(binary: string): string[] {
  let out: string;
  try {
    out = execFileSync('ldd', [binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return []; // a static binary
  }
  return out
    .split('\n')
    .map((line) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1])
    .filter((p): p is string => p !== undefined);
}

function contentHash(files: readonly RootFile[], ingest: boolean): string {
  const hash = createHash('sha256').update(`ingest=${ingest}\n`);
  for (const f of files) {
    hash.update(`${f.name} ${f.mode}\n`);
    if (f.content) hash.update(f.content);
    else if (f.source === AGENT_SCRIPT) hash.update(fs.readFileSync(f.source));
    else {
      const stat = fs.statSync(f.source!);
      hash.update(`${f.source} ${stat.size} ${stat.mtimeMs}\n`);
    }
  }
  return hash.digest('hex');
}

async function imageHash(ref: string): Promise<string | undefined> {
  try {
    const info = await testDocker().getImage(ref).inspect();
    const entry = (info.Config?.Env ?? []).find((e) => e.startsWith(`${HASH_ENV}=`));
    return entry?.slice(HASH_ENV.length + 1);
  } catch {
    return undefined;
  }
}

async function importImage(ref: string, files: readonly RootFile[], hash: string, ingest: boolean) {
  const pack = tar.pack();
  const mtime = new Date(0);
  for (const dir of ['tmp', 'root', 'workspace']) {
    pack.entry({ name: dir, type: 'directory', mode: dir === 'tmp' ? 0o1777 : 0o755, mtime });
  }
  const dirs = new Set<string>();
  const writing = (async () => {
    for (const f of files) {
      const parent = path.posix.dirname(f.name);
      const parts = parent.split('/');
      for (let i = 1; i <= parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        if (dir !== '.' && !dirs.has(dir)) {
          dirs.add(dir);
          pack.entry({ name: dir, type: 'directory', mode: 0o755, mtime });
        }
      }
      const content = f.content ?? (await fs.promises.readFile(f.source!));
      pack.entry({ name: f.name, mode: f.mode, mtime, size: content.length }, content);
    }
    pack.finalize();
  })();
  const [repo, tag] = ref.split(':');
  const stream = await testDocker().importImage(
    pack as unknown as NodeJS.ReadableStream,
    {
      repo,
      tag,
      changes: [
        'ENV PATH=/bin',
        `ENV ${HASH_ENV}=${hash}`,
        `ENV STAND_IN_INGEST=${ingest ? '1' : '0'}`,
        'CMD ["/bin/node", "/agent/agent.mjs"]',
      ],
    } as object,
  );
  await writing;
  await new Promise<void>((resolve, reject) => {
    testDocker().modem.followProgress(stream, (err: Error | null, events: { error?: string }[]) => {
      const failed = err ?? events.find((e) => e.error);
      if (failed) reject(failed instanceof Error ? failed : new Error(String(failed.error)));
      else resolve();
    });
  });
}

/** One build per content hash across concurrent test workers (a lock file in the temp dir). */
async function withBuildLock(hash: string, build: () => Promise<void>): Promise<void> {
  const lock = path.join(os.tmpdir(), `molecule-stand-in-${hash.slice(0, 16)}.lock`);
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age > 5 * 60_000) fs.rmSync(lock, { force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for the stand-in image build');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    await build();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}
