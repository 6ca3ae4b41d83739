import { mock, MockProxy } from 'jest-mock-extended';
import { quietLogs } from '../../../test/support/unit';
import { BackgroundLoops } from '../../common/loops/background-loops';
import { LockKeys } from '../../common/loops/lock-keys';
import { AppConfig } from '../../config/app-config';
import { ContainerListError, ImageRefresh, RefreshResult } from './image-refresh.service';
import { ImageRegistry } from './image-registry.port';
import { ImageRegistryLocation } from './image-registry-location';
import { ImageDigestWatcher, shortDigest } from './image-digest-watcher';
import { SeenDigestsRepository } from './seen-digests.repository';
import { IMAGE_RUNTIMES } from './workspace-runtimes';

const LOCATION = ImageRegistryLocation.parse('ghcr.io/molecule-ai');
const image = (rt: string) => LOCATION.imageFor(rt);
const ok = (rt: string): RefreshResult => ({ pulled: [rt], failed: [], recreated: [] });

/** A seen-digest store in memory, with the repository's interface. */
class MemorySeenDigests {
  readonly digests = new Map<string, string>();
  async all() {
    return new Map(this.digests);
  }
  async record(img: string, digest: string) {
    this.digests.set(img, digest);
  }
}

describe('ImageDigestWatcher', () => {
  quietLogs();

  let registry: MockProxy<ImageRegistry>;
  let refresher: MockProxy<ImageRefresh>;
  let loops: MockProxy<BackgroundLoops>;
  let seen: MemorySeenDigests;
  let remote: Map<string, string>;

  const watcher = (config: Partial<AppConfig> = {}) =>
    new ImageDigestWatcher(
      { imageAutoRefresh: true, imageWatchIntervalMs: 300_000, ...config } as AppConfig,
      registry,
      LOCATION,
      refresher,
      seen as unknown as SeenDigestsRepository,
      loops,
    );

  beforeEach(() => {
    registry = mock<ImageRegistry>();
    refresher = mock<ImageRefresh>();
    loops = mock<BackgroundLoops>();
    seen = new MemorySeenDigests();
    remote = new Map(IMAGE_RUNTIMES.map((rt) => [rt, `sha256:${rt}-1`]));
    registry.latestDigest.mockImplementation(async (rt) => {
      const digest = remote.get(rt);
      if (!digest) throw new Error(`HEAD … → 404`);
      return digest;
    });
    refresher.refresh.mockImplementation(async ([rt]) => ok(rt));
    Object.defineProperty(refresher, 'available', { get: () => true, configurable: true });
  });

  describe('wiring', () => {
    it('with IMAGE_AUTO_REFRESH and an engine: a locked loop, first tick at start', () => {
      watcher().onApplicationBootstrap();
      expect(loops.start).toHaveBeenCalledWith(
        expect.objectContaining({
          name: 'image-watcher',
          intervalMs: 300_000,
          lockKey: LockKeys.imageWatcher,
        }),
      );
    });

    it('is off without IMAGE_AUTO_REFRESH', () => {
      watcher({ imageAutoRefresh: false }).onApplicationBootstrap();
      expect(loops.start).not.toHaveBeenCalled();
    });

    it('is off without a Docker engine', () => {
      Object.defineProperty(refresher, 'available', { get: () => false });
      watcher().onApplicationBootstrap();
      expect(loops.start).not.toHaveBeenCalled();
    });
  });

  it('the first observation — the tick at start — only seeds', async () => {
    expect(await watcher().loop.startup?.()).toEqual({ seeded: [...IMAGE_RUNTIMES] });
    expect(refresher.refresh).not.toHaveBeenCalled();
    expect(seen.digests.get(image('langgraph'))).toBe('sha256:langgraph-1');
  });

  it('never refreshes while the digests stay put', async () => {
    const w = watcher();
    await w.tick();
    expect(await w.tick()).toBeUndefined();
    expect(await w.tick()).toBeUndefined();
    expect(refresher.refresh).not.toHaveBeenCalled();
  });

  it('refreshes only the runtime whose digest moved, and remembers the new digest', async () => {
    const w = watcher();
    await w.tick();
    remote.set('hermes', 'sha256:hermes-2');

    expect(await w.tick()).toEqual({ refreshed: ['hermes'] });
    expect(refresher.refresh.mock.calls).toEqual([[['hermes'], true]]);
    expect(seen.digests.get(image('hermes'))).toBe('sha256:hermes-2');
    expect(await w.tick()).toBeUndefined();
  });

  it('keeps the old digest when the refresh fails, retries next tick, then advances', async () => {
    const w = watcher();
    await w.tick();
    remote.set('langgraph', 'sha256:langgraph-2');
    refresher.refresh.mockRejectedValueOnce(new ContainerListError(ok('langgraph')));

    expect(await w.tick()).toEqual({ refreshFailed: ['langgraph'] });
    expect(seen.digests.get(image('langgraph'))).toBe('sha256:langgraph-1');

    expect(await w.tick()).toEqual({ refreshed: ['langgraph'] });
    expect(seen.digests.get(image('langgraph'))).toBe('sha256:langgraph-2');
    expect(refresher.refresh).toHaveBeenCalledTimes(2);
  });

  it('retries a runtime whose pull failed inside the refresh (the reference moved on)', async () => {
    const w = watcher();
    await w.tick();
    remote.set('crewai', 'sha256:crewai-2');
    refresher.refresh.mockResolvedValueOnce({ pulled: [], failed: ['crewai'], recreated: [] });

    expect(await w.tick()).toEqual({ refreshFailed: ['crewai'] });
    expect(seen.digests.get(image('crewai'))).toBe('sha256:crewai-1');
    expect(await w.tick()).toEqual({ refreshed: ['crewai'] });
  });

  it('one runtime’s lookup failure leaves its digest alone and never blocks the others', async () => {
    const w = watcher();
    await w.tick();
    remote.delete('claude-code');
    remote.set('openclaw', 'sha256:openclaw-2');

    expect(await w.tick()).toEqual({ refreshed: ['openclaw'], unreachable: ['claude-code'] });
    expect(seen.digests.get(image('claude-code'))).toBe('sha256:claude-code-1');
  });

  it('seeds a runtime the registry did not have before, without refreshing it', async () => {
    remote.delete('gemini-cli');
    const w = watcher();
    expect(await w.tick()).toEqual({
      seeded: IMAGE_RUNTIMES.filter((rt) => rt !== 'gemini-cli'),
      unreachable: ['gemini-cli'],
    });
    remote.set('gemini-cli', 'sha256:gemini-cli-1');
    expect(await w.tick()).toEqual({ seeded: ['gemini-cli'] });
    expect(refresher.refresh).not.toHaveBeenCalled();
  });
});

describe('shortDigest', () => {
  it.each([
    ['sha256:0123456789abcdef0123', 'sha256:0123456789ab'],
    ['sha256:0123456789ab', 'sha256:0123456789ab'],
    ['sha256:0123', 'sha256:0123'],
    ['', ''],
    ['nocolonatalltoolongvalue', 'nocolonatalltoolongvalue'],
  ])('%p → %p', (digest, short) => expect(shortDigest(digest)).toBe(short));
});
