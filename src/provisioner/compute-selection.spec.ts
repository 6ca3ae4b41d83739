import { Logger } from '@nestjs/common';
import Docker from 'dockerode';
import { FakeClock } from '../../test/support/fake-clock';
import { quietLogs } from '../../test/support/unit';
import { loadConfig } from '../config/load-config';
import { selectComputeBackends, selectUrlRewrite } from './compute-selection';
import { HttpCPProvisioner } from './control-plane/cp-provisioner';
import { InstanceIds } from './control-plane/instance-ids.repository';
import { DockerImageEngine } from './images/docker-image-engine';
import { DockerProvisioner } from './docker/docker-provisioner';
import { BridgeNetworkUrl, StoredUrl } from './workspace-url-rewrite';

describe('compute backend selection', () => {
  quietLogs();
  const instanceIds: InstanceIds = { instanceId: async () => '' };
  const unreachableDocker = () => new Docker({ socketPath: '/nonexistent/docker.sock' });
  const select = (env: Record<string, string>, connect = unreachableDocker) =>
    selectComputeBackends(loadConfig(env).config, new FakeClock(), instanceIds, connect);

  it('MOLECULE_ORG_ID set: the control plane only', () => {
    const backends = select({ MOLECULE_ORG_ID: 'org-1' });
    expect(backends.controlPlane).toBeInstanceOf(HttpCPProvisioner);
    expect(backends.docker).toBeNull();
    expect(backends.images).toBeNull();
    expect(backends.any).toBe(true);
  });

  it('otherwise Docker, even when the engine is not up yet (boot never fails for it)', async () => {
    const backends = select({});
    expect(backends.docker).toBeInstanceOf(DockerProvisioner);
    expect(backends.images).toBeInstanceOf(DockerImageEngine);
    expect(backends.controlPlane).toBeNull();
    expect(await backends.docker!.ping()).toBe(false);
  });

  it('a Docker client that cannot be built leaves no backend, and says why', () => {
    const backends = select({}, () => {
      throw new Error('open /certs/ca.pem: no such file');
    });
    expect(backends.any).toBe(false);
    expect(Logger.prototype.error).toHaveBeenCalledWith(
      { err: 'failed to connect to Docker: Error: open /certs/ca.pem: no such file' },
      'no compute backend',
    );
  });

  describe('how the platform reaches stored URLs', () => {
    const rewrite = (env: Record<string, string>, inContainer: boolean, docker = true) => {
      const config = loadConfig(env).config;
      const backends = docker ? select(env) : select({ MOLECULE_ORG_ID: 'org' });
      return selectUrlRewrite(config, backends, () => inContainer);
    };

    it('rewrites only with Docker on a bridge network and the platform in a container', () => {
      expect(rewrite({}, true)).toBeInstanceOf(BridgeNetworkUrl);
      expect(rewrite({}, false)).toBeInstanceOf(StoredUrl);
      expect(rewrite({ WORKSPACE_NETWORK: 'host' }, true)).toBeInstanceOf(StoredUrl);
      expect(rewrite({}, true, false)).toBeInstanceOf(StoredUrl);
    });

    it('MOLECULE_IN_DOCKER overrides the /.dockerenv check', () => {
      expect(rewrite({ MOLECULE_IN_DOCKER: 'false' }, true)).toBeInstanceOf(StoredUrl);
      expect(rewrite({ MOLECULE_IN_DOCKER: '1' }, false)).toBeInstanceOf(BridgeNetworkUrl);
      expect(rewrite({ MOLECULE_IN_DOCKER: 'maybe' }, true)).toBeInstanceOf(BridgeNetworkUrl);
    });
  });
});
