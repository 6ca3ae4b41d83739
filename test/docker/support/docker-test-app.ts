import { CONFIGURED_COMPUTE, TestApp, useTestApp } from '../../support/test-app';
import { TestDatabase } from '../../support/test-database';
import { DockerScope } from './docker-scope';
import { TEST_IMAGE_REGISTRY } from './stand-in-image';

/**
 * The whole app on the real engine as every Docker test runs it: the compute backend chosen
 * from its env, host networking (agents on 127.0.0.1 only), the stand-in images' registry and
 * the file's own scope. `env` adds the file's own settings (tokens, dev mode, directories).
 */
export function useDockerTestApp(
  db: TestDatabase,
  scope: DockerScope,
  env: Record<string, string> = {},
): TestApp {
  return useTestApp(
    db,
    {
      WORKSPACE_NETWORK: 'host',
      MOLECULE_IMAGE_REGISTRY: TEST_IMAGE_REGISTRY,
      ...scope.env,
      ...env,
    },
    [CONFIGURED_COMPUTE],
  );
}
