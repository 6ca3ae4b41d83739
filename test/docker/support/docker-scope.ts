import { randomBytes } from 'node:crypto';
import { SCOPE_LABEL } from '../../../src/provisioner/docker/workspace-names';
import { testDocker } from './docker-client';

export interface DockerScope {
  /** The `MOLECULE_DOCKER_SCOPE` value of this test file. */
  readonly scope: string;
  /** `{ MOLECULE_DOCKER_SCOPE: scope }`, to spread into a test app's env. */
  readonly env: Record<string, string>;
  /** Removes every container and volume carrying the scope (also run after all tests). */
  cleanup(): Promise<void>;
}

/**
 * A Docker scope of its own for one test file: the provisioner labels what it creates with
 * it and lists only it, so parallel runs on one engine never see (or reap) each other's
 * containers. Everything in the scope is removed after the file, whether its tests passed.
 */
export function useDockerScope(): DockerScope {
  const scope = `${TEST_SCOPE_PREFIX}${randomBytes(6).toString('hex')}`;
  const cleanup = () => removeScope(scope);
  beforeAll(removeAbandonedScopes);
  afterAll(cleanup);
  return { scope, env: { MOLECULE_DOCKER_SCOPE: scope }, cleanup };
}

const TEST_SCOPE_PREFIX = 'test-';
/** Test runs are minutes long: objects of a test scope this old were left by a killed run. */
const ABANDONED_AFTER_MS = 2 * 60 * 60 * 1000;

/** Removes what killed test runs left behind (any `test-` scope, hours old). */
export async function removeAbandonedScopes(): Promise<void> {
  const docker = testDocker();
  const filters = JSON.stringify({ label: [SCOPE_LABEL] });
  const cutoff = Date.now() - ABANDONED_AFTER_MS;
  const isTestScope = (labels: Record<string, string> | undefined) =>
    labels?.[SCOPE_LABEL]?.startsWith(TEST_SCOPE_PREFIX) === true;
  const containers = await docker.listContainers({ all: true, filters });
  for (const c of containers) {
    if (isTestScope(c.Labels) && c.Created * 1000 < cutoff) {
      await docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }
  const { Volumes } = await docker.listVolumes({ filters });
  for (const v of Volumes ?? []) {
    const created = Date.parse((v as { CreatedAt?: string }).CreatedAt ?? '');
    if (isTestScope(v.Labels) && created < cutoff) {
      await docker
        .getVolume(v.Name)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }
}

export async function removeScope(scope: string): Promise<void> {
  const docker = testDocker();
  const filters = JSON.stringify({ label: [`${SCOPE_LABEL}=${scope}`] });
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  const { Volumes } = await docker.listVolumes({ filters });
  await Promise.all(
    (Volumes ?? []).map((v) =>
      docker
        .getVolume(v.Name)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}
