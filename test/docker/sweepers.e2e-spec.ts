import { randomUUID } from 'node:crypto';
import { ComputeBackends } from '../../src/provisioner/compute-backends';
import { SCOPE_LABEL } from '../../src/provisioner/docker/workspace-names';
import { ImageDigestWatcher } from '../../src/provisioner/images/image-digest-watcher';
import { IMAGE_RUNTIMES } from '../../src/provisioner/images/workspace-runtimes';
import { WorkspaceStartSpec } from '../../src/provisioner/provisioner.port';
import { OrphanSweeper } from '../../src/sweeper/orphans/orphan-sweeper';
import { CONFIGURED_COMPUTE, startTestApp, TestApp, useTestApp } from '../support/test-app';
import { useTestDatabase } from '../support/test-database';
import { quietLogs } from '../support/unit';
import {
  describeDocker,
  ensureStandInImage,
  TEST_IMAGE_REGISTRY,
  testDocker,
  useDockerScope,
  useServedStandIn,
} from './support';

const ADMIN_TOKEN = 'sweepers-admin';
const name = (id: string) => `ws-${id.slice(0, 12)}`;

/** A workspace container that never reaches a platform: these tests look at the engine. */
const unregistered = (workspaceId: string): WorkspaceStartSpec => ({
  workspaceId,
  name: 'Stand-in',
  tier: 2,
  runtime: 'langgraph',
  platformUrl: 'http://127.0.0.1:9',
  env: {},
});

async function exists(kind: 'container' | 'volume', objectName: string): Promise<boolean> {
  const docker = testDocker();
  try {
    await (kind === 'container'
      ? docker.getContainer(objectName).inspect()
      : docker.getVolume(objectName).inspect());
    return true;
  } catch {
    return false;
  }
}

describeDocker('sweepers and image refresh on a real engine', () => {
  quietLogs();
  const db = useTestDatabase();
  const scope = useDockerScope();
  const dockerEnv = { WORKSPACE_NETWORK: 'host', ADMIN_TOKEN, ...scope.env };

  describe('orphan sweeper', () => {
    const app = useTestApp(db, { ...dockerEnv, MOLECULE_IMAGE_REGISTRY: TEST_IMAGE_REGISTRY }, [
      CONFIGURED_COMPUTE,
    ]);
    beforeAll(() => ensureStandInImage({ runtimes: ['langgraph'] }), 120_000);

    it('after a wiped database, one sweep reaps the labelled container and never the unlabelled one', async () => {
      const labelled = randomUUID();
      const unlabelled = randomUUID();
      await app.get(ComputeBackends).docker!.start(unregistered(labelled));
      // Only the scope label (this file's clean-up finds it by that); not the managed one,
      // which is what says "certainly ours".
      await testDocker().createContainer({
        name: name(unlabelled),
        Image: `${TEST_IMAGE_REGISTRY}/workspace-template-langgraph:latest`,
        Labels: { [SCOPE_LABEL]: scope.scope },
        HostConfig: { NetworkMode: 'host' },
      });
      expect(await exists('container', name(labelled))).toBe(true);

      expect(await app.get(OrphanSweeper).runPass()).toEqual({
        status: 'done',
        summary: { unknownReaped: 1 },
      });

      expect(await exists('container', name(labelled))).toBe(false);
      expect(await exists('volume', `${name(labelled)}-configs`)).toBe(false);
      expect(await exists('container', name(unlabelled))).toBe(true);
      expect(await app.get(OrphanSweeper).runPass()).toEqual({ status: 'done' });
      // Not left for the refresh tests below: it would count as a langgraph container there.
      await testDocker().getContainer(name(unlabelled)).remove({ force: true });
    });
  });

  describe('image refresh from a registry the engine really pulls from', () => {
    const served = useServedStandIn();
    let app: TestApp;
    const admin = () => app.http.withBearer(ADMIN_TOKEN);

    beforeAll(async () => {
      served.publish('langgraph', '1');
      app = await startTestApp(db.url, { ...dockerEnv, MOLECULE_IMAGE_REGISTRY: served.prefix }, [
        CONFIGURED_COMPUTE,
      ]);
    });
    afterAll(() => app?.close());

    it('refuses an unknown runtime with the known ones', async () => {
      const res = await admin().post('/admin/workspace-images/refresh?runtime=codex');
      expect([res.status, res.body]).toEqual([
        400,
        { error: 'unknown runtime: codex', known_runtimes: IMAGE_RUNTIMES },
      ]);
    });

    it('pulls the runtime’s new image, reports it in `pulled` and removes its containers', async () => {
      const id = randomUUID();
      // The provisioner pulls revision 1 from the local registry for this first container.
      await app.get(ComputeBackends).docker!.start(unregistered(id));
      expect(await served.pulledRevision('langgraph')).toBe('1');
      served.publish('langgraph', '2');
      served.registry.requests.length = 0;

      const res = await admin().post('/admin/workspace-images/refresh?runtime=langgraph');

      expect([res.status, res.body]).toEqual([
        200,
        { pulled: ['langgraph'], failed: [], recreated: [name(id)] },
      ]);
      expect(await served.pulledRevision('langgraph')).toBe('2');
      expect(served.registry.requests).toContain(
        `HEAD /v2/${served.prefix.split('/')[1]}/workspace-template-langgraph/manifests/latest`,
      );
      expect(await exists('container', name(id))).toBe(false);
    });

    it('reports a runtime the registry does not have in `failed`', async () => {
      const res = await admin().post('/admin/workspace-images/refresh?runtime=hermes');
      expect([res.status, res.body]).toEqual([
        200,
        { pulled: [], failed: ['hermes'], recreated: [] },
      ]);
    });
  });

  describe('digest watcher against that registry', () => {
    const served = useServedStandIn();
    let app: TestApp;

    beforeAll(async () => {
      served.publish('langgraph', '1');
      app = await startTestApp(
        db.url,
        { ...dockerEnv, MOLECULE_IMAGE_REGISTRY: served.prefix, IMAGE_AUTO_REFRESH: 'true' },
        [CONFIGURED_COMPUTE],
      );
    });
    afterAll(() => app?.close());

    it('seeds at start, then refreshes when the digest changes', async () => {
      const seen = await db.query<{ digest: string }>(
        'SELECT digest FROM workspace_image_digests WHERE image = $1',
        [served.imageFor('langgraph')],
      );
      expect(seen).toHaveLength(1);
      expect(await served.pulledRevision('langgraph')).toBeUndefined();

      const id = randomUUID();
      await app.get(ComputeBackends).docker!.start(unregistered(id));
      const moved = served.publish('langgraph', '2');

      expect(await app.get(ImageDigestWatcher).runPass()).toEqual({
        status: 'done',
        summary: {
          refreshed: ['langgraph'],
          unreachable: IMAGE_RUNTIMES.filter((rt) => rt !== 'langgraph'),
        },
      });
      expect(await served.pulledRevision('langgraph')).toBe('2');
      expect(await exists('container', name(id))).toBe(false);
      const [after] = await db.query<{ digest: string }>(
        'SELECT digest FROM workspace_image_digests WHERE image = $1',
        [served.imageFor('langgraph')],
      );
      expect(after.digest).toBe(moved);
    });
  });
});
