import { Logger } from '@nestjs/common';
import { mock, MockProxy } from 'jest-mock-extended';
import { FakeClock } from '../../../test/support/fake-clock';
import { ImageEngine, PullOptions } from './image-engine.port';
import {
  ContainerListError,
  ImageRefresh,
  isImageOf,
  NoImageEngineError,
  PULL_BUDGET_MS,
  RefreshEvent,
} from './image-refresh.service';
import { ImageRegistryLocation } from './image-registry-location';
import { RegistryCredentials } from './registry-credentials';

const LOCATION = ImageRegistryLocation.parse('ghcr.io/molecule-ai');
const image = (rt: string) => `ghcr.io/molecule-ai/workspace-template-${rt}:latest`;

describe('ImageRefresh', () => {
  let engine: MockProxy<ImageEngine>;
  let clock: FakeClock;
  let logged: unknown[][];

  const refresher = (credentials: RegistryCredentials | null = null) =>
    new ImageRefresh(engine, LOCATION, credentials, clock);

  beforeEach(() => {
    engine = mock<ImageEngine>();
    engine.pull.mockResolvedValue(undefined);
    engine.listWorkspaceContainers.mockResolvedValue([]);
    engine.removeContainer.mockResolvedValue(undefined);
    clock = new FakeClock();
    logged = [];
    for (const level of ['log', 'warn', 'error'] as const) {
      jest
        .spyOn(Logger.prototype, level)
        .mockImplementation((...args: unknown[]) => void logged.push(args));
    }
  });
  afterEach(() => jest.restoreAllMocks());

  it('pulls each runtime’s image in order, anonymously without credentials', async () => {
    const result = await refresher().refresh(['langgraph', 'hermes'], false);
    expect(result).toEqual({ pulled: ['langgraph', 'hermes'], failed: [], recreated: [] });
    expect(engine.pull.mock.calls.map((c) => c[0])).toEqual([image('langgraph'), image('hermes')]);
    expect(engine.pull.mock.calls[0][1].registryAuth).toBeUndefined();
    expect(engine.listWorkspaceContainers).not.toHaveBeenCalled();
  });

  it('pulls with the registry credentials for the registry host', async () => {
    const credentials = RegistryCredentials.from('bot', 'secret')!;
    await refresher(credentials).refresh(['langgraph'], false);
    expect(engine.pull.mock.calls[0][1].registryAuth).toBe(credentials.engineAuth('ghcr.io'));
  });

  it('reports a failed pull and goes on with the next runtime', async () => {
    engine.pull.mockRejectedValueOnce(new Error('manifest unknown'));
    const result = await refresher().refresh(['crewai', 'langgraph'], false);
    expect(result).toEqual({ pulled: ['langgraph'], failed: ['crewai'], recreated: [] });
  });

  it('removes the containers created from a pulled runtime’s image, by their configured image', async () => {
    engine.pull.mockImplementation(async (img) => {
      if (img === image('crewai')) throw new Error('pull failed');
    });
    engine.listWorkspaceContainers.mockResolvedValue([
      { id: 'c1', name: 'ws-aaaaaaaaaaaa', image: image('langgraph') },
      { id: 'c2', name: 'ws-bbbbbbbbbbbb', image: image('crewai') },
      { id: 'c3', name: 'ws-cccccccccccc', image: 'example/other:latest' },
      { id: 'c4', name: 'ws-dddddddddddd', image: 'localhost:5000/x/workspace-template-langgraph' },
    ]);

    const result = await refresher().refresh(['langgraph', 'crewai'], true);

    expect(result).toEqual({
      pulled: ['langgraph'],
      failed: ['crewai'],
      recreated: ['ws-aaaaaaaaaaaa', 'ws-dddddddddddd'],
    });
    expect(engine.removeContainer.mock.calls).toEqual([['c1'], ['c4']]);
  });

  it('skips a container whose removal fails', async () => {
    engine.listWorkspaceContainers.mockResolvedValue([
      { id: 'c1', name: 'ws-aaaaaaaaaaaa', image: image('langgraph') },
      { id: 'c2', name: 'ws-bbbbbbbbbbbb', image: image('langgraph') },
    ]);
    engine.removeContainer.mockRejectedValueOnce(new Error('removal in progress'));
    const result = await refresher().refresh(['langgraph'], true);
    expect(result.recreated).toEqual(['ws-bbbbbbbbbbbb']);
  });

  it('fails the call with what was pulled when the containers cannot be listed', async () => {
    engine.listWorkspaceContainers.mockRejectedValue(new Error('Cannot connect to the daemon'));
    const failure = await refresher()
      .refresh(['langgraph'], true)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ContainerListError);
    expect((failure as ContainerListError).partial).toEqual({
      pulled: ['langgraph'],
      failed: [],
      recreated: [],
    });
    expect((failure as Error).message).not.toContain('daemon');
  });

  it('does not list containers when nothing was pulled', async () => {
    engine.pull.mockRejectedValue(new Error('offline'));
    engine.listWorkspaceContainers.mockRejectedValue(new Error('daemon down'));
    expect(await refresher().refresh(['langgraph'], true)).toEqual({
      pulled: [],
      failed: ['langgraph'],
      recreated: [],
    });
  });

  it('shares one five-minute budget among all pulls', async () => {
    let seen: PullOptions | undefined;
    engine.pull.mockImplementationOnce(async (_img, options) => {
      seen = options;
      clock.advance(PULL_BUDGET_MS);
      throw new Error('aborted');
    });
    const result = await refresher().refresh(['langgraph', 'hermes'], false);
    expect(seen?.signal?.aborted).toBe(true);
    expect(result).toEqual({ pulled: [], failed: ['langgraph', 'hermes'], recreated: [] });
    expect(engine.pull).toHaveBeenCalledTimes(1);
  });

  it('forwards the pull progress and logs each layer’s status once', async () => {
    engine.pull.mockImplementation(async (_img, _opts, onProgress) => {
      onProgress({ status: 'Pulling fs layer', id: 'l1' });
      onProgress({ status: 'Downloading', id: 'l1', progress: '[=>   ] 1MB/5MB' });
      onProgress({ status: 'Downloading', id: 'l1', progress: '[===> ] 3MB/5MB' });
      onProgress({ status: 'Pull complete', id: 'l1' });
    });
    engine.listWorkspaceContainers.mockResolvedValue([
      { id: 'c1', name: 'ws-aaaaaaaaaaaa', image: image('langgraph') },
    ]);
    const events: RefreshEvent[] = [];
    await refresher().refresh(['langgraph'], true, (e) => events.push(e));

    expect(events).toEqual([
      { runtime: 'langgraph', status: 'Pulling fs layer', id: 'l1' },
      { runtime: 'langgraph', status: 'Downloading', id: 'l1', progress: '[=>   ] 1MB/5MB' },
      { runtime: 'langgraph', status: 'Downloading', id: 'l1', progress: '[===> ] 3MB/5MB' },
      { runtime: 'langgraph', status: 'Pull complete', id: 'l1' },
      { runtime: 'langgraph', result: 'pulled' },
      { container: 'ws-aaaaaaaaaaaa', result: 'recreated' },
    ]);
    const progressLines = logged.filter((args) => args[1] === 'image pull progress');
    expect(progressLines.map((args) => (args[0] as { status: string }).status)).toEqual([
      'Pulling fs layer',
      'Downloading',
      'Pull complete',
    ]);
    expect(progressLines[0][0]).toMatchObject({ runtime: 'langgraph', layer: 'l1' });
  });

  it('cannot refresh without an engine', async () => {
    const none = new ImageRefresh(null, LOCATION, null, clock);
    expect(none.available).toBe(false);
    await expect(none.refresh(['langgraph'], true)).rejects.toBeInstanceOf(NoImageEngineError);
  });
});

describe('isImageOf', () => {
  it.each([
    ['ghcr.io/molecule-ai/workspace-template-langgraph:latest', 'langgraph', true],
    ['ghcr.io/molecule-ai/workspace-template-langgraph', 'langgraph', true],
    ['127.0.0.1:5000/t/workspace-template-langgraph:latest', 'langgraph', true],
    ['ghcr.io/molecule-ai/workspace-template-langgraph@sha256:abc', 'langgraph', true],
    ['workspace-template-hermes:v2', 'hermes', true],
    ['ghcr.io/molecule-ai/workspace-template-langgraph-dev:latest', 'langgraph', false],
    ['ghcr.io/molecule-ai/workspace-template-claude-code:latest', 'langgraph', false],
    ['ghcr.io/other/image:latest', 'langgraph', false],
    ['sha256:0123456789ab', 'langgraph', false],
  ])('%p is %p’s image: %p', (img, runtime, expected) => {
    expect(isImageOf(img, runtime)).toBe(expected);
  });
});
