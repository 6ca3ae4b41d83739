import { randomUUID } from 'node:crypto';
import { ComputeBackends } from '../../src/provisioner/compute-backends';
import { SCOPE_LABEL } from '../../src/provisioner/docker/workspace-names';
import { ImageDigestWatcher } from '../../src/provisioner/images/image-digest-watcher';
import { IMAGE_RUNTIMES } from '../../src/provisioner/images/workspace-runtimes';
import { WorkspaceStartSpec } from '../../src/provisioner/provisioner.port';
import { OrphanSweeper } from '../../src/sweeper/orphans/orphan-sweeper';
import { eventually } from '../support/eventually';
import { lifecycleRow, recordedEvents } from '../support/lifecycle';
import { CONFIGURED_COMPUTE, startTestApp, TestApp, useTestApp } from '../support/test-app';
import { TestDatabase, useTestDatabase } from '../support/test-database';
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
/** A real container and agent on a shared machine: generous. */
const WAIT_MS = 60_000;
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

async function inspect(containerName: string) {
  return testDocker()
    .getContainer(containerName)
    .inspect()
    .catch(() => undefined);
}

/** This scope's `ws-*` containers created from a langgraph workspace image, by name. */
async function langgraphContainers(
  scopeValue: string,
): Promise<{ name: string; id: string; workspaceId: string }[]> {
  const listed = await testDocker().listContainers({
    all: true,
    filters: JSON.stringify({ name: ['ws-'], label: [`${SCOPE_LABEL}=${scopeValue}`] }),
  });
  return listed
    .filter((c) => c.Image.includes('workspace-template-langgraph'))
    .map((c) => ({
      name: c.Names[0].replace(/^\//, ''),
      id: c.Id,
      workspaceId: c.Labels['molecule.workspace.id'],
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function volumeExists(volumeName: string): Promise<boolean> {
  return testDocker()
    .getVolume(volumeName)
    .inspect()
    .then(() => true)
    .catch(() => false);
}

/** Creates a langgraph workspace through the API and waits until its agent is online. */
async function onlineWorkspace(app: TestApp, db: TestDatabase): Promise<string> {
  const res = await app.http.withBearer(ADMIN_TOKEN).post('/workspaces', {
    name: 'Stand-in',
    tier: 2,
    runtime: 'langgraph',
  });
  expect([res.status, res.body.status]).toEqual([201, 'provisioning']);
  const id = res.body.id as string;
  await backOnline(db, id);
  return id;
}

/** Waits until the workspace runs a container other than `replaced` and its agent is online. */
function backOnline(db: TestDatabase, id: string, replaced?: string) {
  return eventually(
    async () => {
      const info = await inspect(name(id));
      const row = await lifecycleRow(db, id);
      return info?.State.Running && info.Id !== replaced && row.status === 'online'
        ? info
        : undefined;
    },
    `workspace ${id} online in a new container`,
    WAIT_MS,
  );
}

describeDocker('sweepers and image refresh on a real engine', () => {
  quietLogs();
  const db = useTestDatabase();
  const scope = useDockerScope();
  // The health sweep every second: recreated and vanished containers come back at once.
  const dockerEnv = {
    WORKSPACE_NETWORK: 'host',
    ADMIN_TOKEN,
    HEALTH_SWEEP_INTERVAL_SECONDS: '1',
    ...scope.env,
  };

  describe('with the stand-in image built here', () => {
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
      expect(await inspect(name(labelled))).toBeDefined();

      expect(await app.get(OrphanSweeper).runPass()).toEqual({
        status: 'done',
        summary: { unknownReaped: 1 },
      });

      expect(await inspect(name(labelled))).toBeUndefined();
      expect(await volumeExists(`${name(labelled)}-configs`)).toBe(false);
      expect(await inspect(name(unlabelled))).toBeDefined();
      expect(await app.get(OrphanSweeper).runPass()).toEqual({ status: 'done' });
      // Not left behind: it would count as a langgraph container below.
      await testDocker().getContainer(name(unlabelled)).remove({ force: true });
    }, 120_000);

    it('a running workspace whose container is removed behind the server’s back comes back online by itself', async () => {
      const id = await onlineWorkspace(app, db);
      const before = (await inspect(name(id)))!.Id;

      await testDocker().getContainer(name(id)).remove({ force: true });

      await backOnline(db, id, before);
      // The online event is recorded just after the row says online: wait for it too.
      const sinceOffline = async () => {
        const events = (await recordedEvents(db, id)).map((e) => e.event_type);
        return events.slice(events.lastIndexOf('WORKSPACE_OFFLINE'));
      };
      const events = await eventually(
        async () => {
          const since = await sinceOffline();
          return since.includes('WORKSPACE_ONLINE') ? since : undefined;
        },
        `the WORKSPACE_ONLINE event of ${id}`,
        WAIT_MS,
      );
      expect(events).toEqual(['WORKSPACE_OFFLINE', 'WORKSPACE_PROVISIONING', 'WORKSPACE_ONLINE']);
    }, 120_000);
  });

  describe('image refresh from a registry the engine really pulls from', () => {
    const served = useServedStandIn(scope);
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

    it('pulls the runtime’s new image, reports it in `pulled`, recreates its containers and they come back online', async () => {
      // The provisioner pulls revision 1 from the local registry for this workspace.
      const id = await onlineWorkspace(app, db);
      expect(await served.pulledRevision('langgraph')).toBe('1');
      const before = (await inspect(name(id)))!;
      // Every langgraph container of this file is that runtime's (the earlier tests' too).
      const langgraph = await langgraphContainers(scope.scope);
      expect(langgraph.map((c) => c.name)).toContain(name(id));
      served.publish('langgraph', '2');
      served.registry.requests.length = 0;

      const res = await admin().post('/admin/workspace-images/refresh?runtime=langgraph');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ pulled: ['langgraph'], failed: [], recreated: expect.any(Array) });
      expect([...res.body.recreated].sort()).toEqual(langgraph.map((c) => c.name));
      expect(served.registry.requests).toContain(
        `HEAD /v2/${served.prefix.split('/')[1]}/workspace-template-langgraph/manifests/latest`,
      );
      expect(await served.pulledRevision('langgraph')).toBe('2');
      for (const recreated of langgraph) await backOnline(db, recreated.workspaceId, recreated.id);
      const after = (await inspect(name(id)))!;
      const image = await testDocker().getImage(served.imageFor('langgraph')).inspect();
      expect(after.Image).toBe(image.Id);
      expect(after.Image).not.toBe(before.Image);
    }, 180_000);

    it('reports a runtime the registry does not have in `failed`', async () => {
      const res = await admin().post('/admin/workspace-images/refresh?runtime=hermes');
      expect([res.status, res.body]).toEqual([
        200,
        { pulled: [], failed: ['hermes'], recreated: [] },
      ]);
    });
  });

  describe('digest watcher against that registry', () => {
    const served = useServedStandIn(scope);
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
      const seen = () =>
        db.query<{ digest: string }>(
          'SELECT digest FROM workspace_image_digests WHERE image = $1',
          [served.imageFor('langgraph')],
        );
      expect(await seen()).toHaveLength(1);
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
      expect(await inspect(name(id))).toBeUndefined();
      expect((await seen())[0].digest).toBe(moved);
    }, 120_000);
  });
});
