import { Logger } from '@nestjs/common';
import { apiFailure, createUnit, quietLogs } from '../../../test/support/unit';
import { FakeClock } from '../../../test/support/fake-clock';
import { FakeDocker } from '../../../test/support/fake-compute';
import { Clock } from '../../common/clock/clock';
import { AppConfig } from '../../config/app-config';
import { loadConfig } from '../../config/load-config';
import { ComputeBackends } from '../../provisioner/compute-backends';
import { RestartRequests } from '../../workspaces/lifecycle/restart-requests';
import { pluginSource } from '../sources/plugin-source';
import { PluginStager, StagedPlugin } from '../staging/plugin-stager';
import { PluginWorkspacesRepository } from './plugin-workspaces.repository';
import { WorkspacePluginsService } from './workspace-plugins.service';

const WS = '11111111-1111-4111-8111-111111111111';

describe('WorkspacePluginsService limits', () => {
  it('logs the install limits once, at start-up', async () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      const { sut } = await createUnit(WorkspacePluginsService, [
        {
          provide: AppConfig,
          useValue: loadConfig({ PLUGIN_INSTALL_FETCH_TIMEOUT: '30s' }).config,
        },
      ]);
      log.mockClear();
      sut.onModuleInit();
      expect(log.mock.calls.map((c) => c[0])).toEqual([
        'plugin install limits: body 65536 bytes, fetch timeout 30000 ms, staged tree 104857600 bytes',
      ]);
    } finally {
      log.mockRestore();
    }
  });
});

describe('WorkspacePluginsService.install', () => {
  quietLogs();

  async function setup(docker: FakeDocker | null = new FakeDocker()) {
    const unit = await createUnit(WorkspacePluginsService, [
      { provide: AppConfig, useValue: loadConfig({}).config },
      { provide: ComputeBackends, useValue: new ComputeBackends(docker, null) },
      { provide: Clock, useValue: new FakeClock() },
    ]);
    const discard = jest.fn(async () => undefined);
    const staged: StagedPlugin = {
      name: 'reviewer',
      dir: '/nonexistent/molecule-plugin-fetch-x',
      source: pluginSource('local', 'reviewer'),
      discard,
    };
    unit
      .mock(PluginWorkspacesRepository)
      .head.mockResolvedValue({ id: WS, runtime: 'claude-code' });
    unit.mock(PluginWorkspacesRepository).orgAllows.mockResolvedValue(true);
    unit.mock(PluginStager).stage.mockResolvedValue(staged);
    docker?.containers.set(WS, { running: true, spec: {} as never });
    return { ...unit, discard, docker };
  }

  it('fails open when the allowlist lookup fails', async () => {
    const { sut, mock, docker } = await setup();
    mock(PluginWorkspacesRepository).orgAllows.mockRejectedValue(new Error('connection reset'));
    docker!.intercept('copyToConfigs', () => {
      throw new Error('stop here');
    });
    const [status, body] = await apiFailure(sut.install(WS, { source: 'reviewer' }));
    // Past the allowlist: the failure is the delivery's, not a 403.
    expect([status, body]).toEqual([500, { error: 'failed to copy plugin to container' }]);
  });

  it('refuses a plugin the org does not allow, and discards the staged copy', async () => {
    const { sut, mock, discard } = await setup();
    mock(PluginWorkspacesRepository).orgAllows.mockResolvedValue(false);
    const [status, body] = await apiFailure(sut.install(WS, { source: 'reviewer' }));
    expect([status, body]).toEqual([
      403,
      { error: 'plugin "reviewer" is not in the org allowlist' },
    ]);
    expect(discard).toHaveBeenCalled();
    expect(mock(RestartRequests).request).not.toHaveBeenCalled();
  });

  it('needs a Docker backend with the container running', async () => {
    const noBackend = await setup(null);
    expect(await apiFailure(noBackend.sut.install(WS, { source: 'reviewer' }))).toEqual([
      503,
      { error: 'workspace container not running' },
    ]);
    const stopped = await setup();
    stopped.docker!.kill(WS);
    expect((await apiFailure(stopped.sut.install(WS, { source: 'reviewer' })))[0]).toBe(503);
    expect(stopped.discard).toHaveBeenCalled();
  });

  it('turns an unexpected failure into 500 plugin install failed', async () => {
    const { sut, mock } = await setup();
    mock(PluginStager).stage.mockRejectedValue(new Error('EMFILE /tmp/molecule-plugin-fetch-x'));
    expect(await apiFailure(sut.install(WS, { source: 'reviewer' }))).toEqual([
      500,
      { error: 'plugin install failed' },
    ]);
  });

  it('passes the fetch deadline and cancellation to the stager', async () => {
    const { sut, mock, docker } = await setup();
    docker!.intercept('copyToConfigs', () => {
      throw new Error('stop here');
    });
    const cancel = new AbortController().signal;
    await sut
      .install(WS, { source: 'local://reviewer', sha256: 'abc' }, cancel)
      .catch(() => undefined);
    expect(mock(PluginStager).stage).toHaveBeenCalledWith({
      source: 'local://reviewer',
      sha256: 'abc',
      deadline: expect.any(AbortSignal),
      cancel,
    });
  });

  it('answers 404 for an unknown workspace before fetching anything', async () => {
    const { sut, mock } = await setup();
    mock(PluginWorkspacesRepository).head.mockResolvedValue(undefined);
    expect(await apiFailure(sut.install(WS, { source: 'reviewer' }))).toEqual([
      404,
      { error: 'workspace not found' },
    ]);
    expect(mock(PluginStager).stage).not.toHaveBeenCalled();
  });
});
