export { describeDocker, dockerAvailability } from './docker-available';
export { testDocker } from './docker-client';
export { removeScope, useDockerScope } from './docker-scope';
export type { DockerScope } from './docker-scope';
export {
  ensureStandInImage,
  TEST_IMAGE_REGISTRY,
  TEST_INGEST_IMAGE_REGISTRY,
} from './stand-in-image';
export type { StandInImages, StandInOptions } from './stand-in-image';
export { configsTree, configsTreeAt } from './configs-tree';
export type { TreeEntry } from './configs-tree';
export { fetchWhenListening } from './fetch-when-listening';
export { useServedStandIn } from './registry-images';
export type { ServedImages } from './registry-images';
export { useDockerTestApp } from './docker-test-app';
