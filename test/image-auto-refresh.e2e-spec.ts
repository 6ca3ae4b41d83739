import { SchedulerRegistry } from '@nestjs/schedule';
import { ImageDigestWatcher } from '../src/provisioner/images/image-digest-watcher';
import { ImageEngine } from '../src/provisioner/images/image-engine.port';
import { ImageRegistry } from '../src/provisioner/images/image-registry.port';
import { IMAGE_RUNTIMES } from '../src/provisioner/images/workspace-runtimes';
import { FakeImageEngine, FakeImageRegistry } from './support/fake-image-engine';
import { startTestApp, TestApp, useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';

const RUNTIMES = IMAGE_RUNTIMES;
const image = (rt: string) => `ghcr.io/molecule-ai/workspace-template-${rt}:latest`;

async function seenDigests(db: TestDatabase): Promise<Record<string, string>> {
  const rows = await db.query<{ image: string; digest: string }>(
    'SELECT image, digest FROM workspace_image_digests',
  );
  return Object.fromEntries(rows.map((r) => [r.image, r.digest]));
}

/** A registry where every runtime but gemini-cli has a `latest`. */
function registryDouble(): FakeImageRegistry {
  const registry = new FakeImageRegistry();
  for (const rt of RUNTIMES) if (rt !== 'gemini-cli') registry.digests.set(rt, `sha256:${rt}-1`);
  return registry;
}

describe('image digest watcher (IMAGE_AUTO_REFRESH=true)', () => {
  const db = useTestDatabase();
  const registry = registryDouble();
  const engine = new FakeImageEngine();
  const overrides = [
    { provide: ImageRegistry, useValue: registry },
    { provide: ImageEngine, useValue: engine },
  ];

  describe('one instance', () => {
    const app = useTestApp(db, { IMAGE_AUTO_REFRESH: 'true' }, overrides);
    const tick = () => app.get(ImageDigestWatcher).runPass();

    it('seeds every runtime the registry has at start, refreshing nothing', async () => {
      expect(app.get(SchedulerRegistry).getIntervals()).toContain('image-watcher');
      const seen = await seenDigests(db);
      expect(Object.keys(seen).sort()).toEqual(
        RUNTIMES.filter((rt) => rt !== 'gemini-cli')
          .map(image)
          .sort(),
      );
      expect(engine.pulls).toEqual([]);
    });

    it('refreshes the runtime whose digest moved: pull, then its containers removed', async () => {
      engine.containers = [
        { id: 'c1', name: 'ws-aaaaaaaaaaaa', image: image('langgraph') },
        { id: 'c2', name: 'ws-bbbbbbbbbbbb', image: image('crewai') },
      ];
      registry.digests.set('langgraph', 'sha256:langgraph-2');

      expect(await tick()).toEqual({
        status: 'done',
        summary: { refreshed: ['langgraph'], unreachable: ['gemini-cli'] },
      });
      expect(engine.pulls.map((p) => p.image)).toEqual([image('langgraph')]);
      expect(engine.removed).toEqual(['c1']);
      expect((await seenDigests(db))[image('langgraph')]).toBe('sha256:langgraph-2');
    });

    it('keeps the old digest when the refresh fails, and retries on the next tick', async () => {
      engine.reset();
      engine.containers = [{ id: 'c3', name: 'ws-cccccccccccc', image: image('hermes') }];
      engine.listFails = true;
      registry.digests.set('hermes', 'sha256:hermes-2');

      expect(await tick()).toEqual({
        status: 'done',
        summary: { unreachable: ['gemini-cli'], refreshFailed: ['hermes'] },
      });
      expect((await seenDigests(db))[image('hermes')]).toBe('sha256:hermes-1');

      engine.listFails = false;
      expect(await tick()).toEqual({
        status: 'done',
        summary: { refreshed: ['hermes'], unreachable: ['gemini-cli'] },
      });
      expect(engine.removed).toEqual(['c3']);
      expect((await seenDigests(db))[image('hermes')]).toBe('sha256:hermes-2');
    });
  });

  describe('a second replica, or a restart', () => {
    const replicas: TestApp[] = [];
    beforeAll(async () => {
      engine.reset();
      for (let i = 0; i < 2; i++) {
        replicas.push(await startTestApp(db.url, { IMAGE_AUTO_REFRESH: 'true' }, overrides));
      }
    });
    afterAll(() => Promise.all(replicas.map((r) => r.close())));

    it('agree on what was seen: nothing moved, nothing refreshed', async () => {
      for (const replica of replicas) {
        expect((await replica.get(ImageDigestWatcher).runPass()).status).toBe('done');
      }
      expect(engine.pulls).toEqual([]);
    });

    it('refresh a moved image once, on one replica at a time', async () => {
      registry.digests.set('claude-code', 'sha256:claude-code-2');
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      registry.onLookup = async (rt) => {
        if (rt !== 'claude-code') return;
        entered();
        await held;
      };
      try {
        const [a, b] = replicas.map((r) => r.get(ImageDigestWatcher));
        const first = a.runPass();
        await inside;
        expect(await b.runPass()).toEqual({ status: 'skipped', reason: 'locked' });
        release();
        expect(await first).toEqual({
          status: 'done',
          summary: { refreshed: ['claude-code'], unreachable: ['gemini-cli'] },
        });
        expect(await b.runPass()).toEqual({
          status: 'done',
          summary: { unreachable: ['gemini-cli'] },
        });
        expect(engine.pulls.map((p) => p.image)).toEqual([image('claude-code')]);
      } finally {
        registry.onLookup = () => undefined;
        release();
      }
    });
  });

  describe('without IMAGE_AUTO_REFRESH', () => {
    const app = useTestApp(db, {}, overrides);

    it('does not watch', () => {
      expect(app.get(SchedulerRegistry).getIntervals()).not.toContain('image-watcher');
    });
  });
});
