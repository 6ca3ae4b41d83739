import { Logger } from '@nestjs/common';
import Docker from 'dockerode';
import * as fs from 'node:fs';
import type { Clock } from '../common/clock/clock';
import type { AppConfig } from '../config/app-config';
import { ComputeBackends } from './compute-backends';
import { HttpCPProvisioner } from './control-plane/cp-provisioner';
import type { InstanceIds } from './control-plane/instance-ids.repository';
import { DockerProvisioner } from './docker/docker-provisioner';
import { HOST_NETWORK } from './docker/host-config';
import { imagePlatform } from './docker/image-platform';
import { DockerImageEngine } from './images/docker-image-engine';
import { BridgeNetworkUrl, StoredUrl, WorkspaceUrlRewrite } from './workspace-url-rewrite';

const logger = new Logger('ComputeBackends');

/**
 * Which compute this instance drives (spec 04 §11 step 3): `MOLECULE_ORG_ID` set → the
 * control plane only; otherwise Docker. A backend that cannot be built is logged and left
 * out — the server still starts, and provisioning fails with a clear status. Creating the
 * Docker client does not contact the engine: one that comes up later is found by the next
 * provision (`ping()`).
 */
export function selectComputeBackends(
  config: AppConfig,
  clock: Clock,
  instanceIds: InstanceIds,
  connectDocker: () => Docker = () => new Docker(),
): ComputeBackends {
  if (config.orgId) {
    try {
      const cp = new HttpCPProvisioner(
        { ...config.controlPlane, orgId: config.orgId, adminToken: config.adminToken },
        instanceIds,
        clock,
      );
      logger.log({ baseUrl: config.controlPlane.baseUrl }, 'compute backend: control plane');
      return new ComputeBackends(null, cp);
    } catch (err) {
      logger.error({ err: String(err) }, 'control-plane provisioner unavailable');
      return new ComputeBackends(null, null);
    }
  }
  let client: Docker;
  try {
    client = connectDocker();
  } catch (err) {
    logger.error({ err: `failed to connect to Docker: ${String(err)}` }, 'no compute backend');
    return new ComputeBackends(null, null);
  }
  const { docker: settings } = config;
  const platform = imagePlatform(settings.imagePlatform);
  const docker = new DockerProvisioner(
    client,
    {
      network: settings.network,
      imageRegistry: settings.imageRegistry,
      imagePlatform: platform,
      tierLimits: settings.tierLimits,
      scope: settings.scope,
    },
    clock,
  );
  const images = new DockerImageEngine(client, { platform, scope: settings.scope });
  logger.log(
    { network: settings.network, scope: settings.scope || undefined },
    'compute backend: Docker',
  );
  void docker.ping().then((up) => {
    if (!up) logger.warn('Docker engine not reachable yet; each provision checks again');
  });
  return new ComputeBackends(docker, null, images);
}

/** The bridge rewrite applies only with Docker on a bridge network and the platform in a container. */
export function selectUrlRewrite(
  config: AppConfig,
  backends: ComputeBackends,
  inContainer: () => boolean = () => fs.existsSync('/.dockerenv'),
): WorkspaceUrlRewrite {
  const onBridge = backends.docker !== null && config.docker.network !== HOST_NETWORK;
  if (onBridge && (config.docker.platformInContainer ?? inContainer())) {
    return new BridgeNetworkUrl();
  }
  return new StoredUrl();
}
