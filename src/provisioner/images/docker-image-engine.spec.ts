import Docker from 'dockerode';
import { mock, MockProxy } from 'jest-mock-extended';
import { Readable } from 'node:stream';
import { quietLogs } from '../../../test/support/unit';
import { PullProgress } from './image-engine.port';
import { DockerImageEngine } from './docker-image-engine';

/** The engine's pull stream: one JSON message per line. */
const stream = (...messages: object[]) =>
  Readable.from(messages.map((m) => `${JSON.stringify(m)}\r\n`));

describe('DockerImageEngine', () => {
  quietLogs();

  let docker: MockProxy<Docker>;

  beforeEach(() => {
    docker = mock<Docker>();
    // The real stream parser: only the HTTP calls are faked.
    (docker as { modem: unknown }).modem = new Docker().modem;
  });

  const engine = (options = { platform: '', scope: '' }) => new DockerImageEngine(docker, options);

  describe('pull', () => {
    it('pulls with the auth header as given, the platform and the signal, reporting progress', async () => {
      docker.pull.mockResolvedValue(
        stream(
          { status: 'Pulling from molecule-ai/workspace-template-langgraph', id: 'latest' },
          { status: 'Downloading', id: 'abc', progress: '[=>  ] 1MB/4MB', progressDetail: {} },
          { status: 'Status: Downloaded newer image for x' },
        ) as never,
      );
      const signal = new AbortController().signal;
      const seen: PullProgress[] = [];

      await engine({ platform: 'linux/amd64', scope: '' }).pull(
        'ghcr.io/molecule-ai/workspace-template-langgraph:latest',
        { registryAuth: 'eyJ1c2VybmFtZSI6ImEifQ==', signal },
        (p) => seen.push(p),
      );

      expect(docker.pull).toHaveBeenCalledWith(
        'ghcr.io/molecule-ai/workspace-template-langgraph:latest',
        {
          platform: 'linux/amd64',
          authconfig: { base64: 'eyJ1c2VybmFtZSI6ImEifQ==' },
          abortSignal: signal,
        },
      );
      expect(seen).toEqual([
        { status: 'Pulling from molecule-ai/workspace-template-langgraph', id: 'latest' },
        { status: 'Downloading', id: 'abc', progress: '[=>  ] 1MB/4MB' },
        { status: 'Status: Downloaded newer image for x' },
      ]);
    });

    it('forces no platform the provisioner would not force either', async () => {
      docker.pull.mockResolvedValue(stream({ status: 'done' }) as never);
      await engine({ platform: 'linux', scope: '' }).pull('img', {}, () => undefined);
      expect(docker.pull).toHaveBeenCalledWith('img', {});
    });

    it('sends nothing it was not given', async () => {
      docker.pull.mockResolvedValue(stream({ status: 'done' }) as never);
      await engine().pull('img', {}, () => undefined);
      expect(docker.pull).toHaveBeenCalledWith('img', {});
    });

    it('rejects when the stream reports an error (a 200 answer can still fail)', async () => {
      docker.pull.mockResolvedValue(
        stream(
          { status: 'Pulling from x', id: 'latest' },
          { error: 'manifest for x:latest not found: manifest unknown' },
        ) as never,
      );
      await expect(engine().pull('x:latest', {}, () => undefined)).rejects.toThrow(
        'manifest unknown',
      );
    });

    it('rejects when the engine refuses the pull', async () => {
      docker.pull.mockRejectedValue(new Error('(HTTP code 404) no such image'));
      await expect(engine().pull('x', {}, () => undefined)).rejects.toThrow('no such image');
    });
  });

  describe('listWorkspaceContainers', () => {
    function containers(...entries: { Id: string; Names: string[]; image?: string }[]) {
      docker.listContainers.mockResolvedValue(entries as never);
      docker.getContainer.mockImplementation((id: string) => {
        const entry = entries.find((e) => e.Id === id);
        return {
          inspect: async () => {
            if (!entry?.image) throw new Error('no such container');
            return { Config: { Image: entry.image } };
          },
        } as never;
      });
    }

    it('lists every ws-* container, running or not, with its configured image', async () => {
      containers(
        { Id: 'c1', Names: ['/ws-aaaaaaaaaaaa'], image: 'r/workspace-template-langgraph:latest' },
        { Id: 'c2', Names: ['/my-ws-thing'], image: 'other' },
        { Id: 'c3', Names: ['/ws-bbbbbbbbbbbb'] },
      );
      expect(await engine().listWorkspaceContainers()).toEqual([
        { id: 'c1', name: 'ws-aaaaaaaaaaaa', image: 'r/workspace-template-langgraph:latest' },
      ]);
      const [options] = docker.listContainers.mock.calls[0] as [{ all: boolean; filters: string }];
      expect(options.all).toBe(true);
      expect(JSON.parse(options.filters)).toEqual({ name: ['ws-'], label: [] });
    });

    it('sees only its own platform’s containers when a scope is set', async () => {
      containers();
      await engine({ platform: '', scope: 'test-123' }).listWorkspaceContainers();
      const [options] = docker.listContainers.mock.calls[0] as [{ filters: string }];
      expect(JSON.parse(options.filters)).toEqual({
        name: ['ws-'],
        label: ['molecule.platform.scope=test-123'],
      });
    });
  });

  it('force-removes a container', async () => {
    const remove = jest.fn().mockResolvedValue(undefined);
    docker.getContainer.mockReturnValue({ remove } as never);
    await engine().removeContainer('c1');
    expect(docker.getContainer).toHaveBeenCalledWith('c1');
    expect(remove).toHaveBeenCalledWith(expect.objectContaining({ force: true }));
  });
});
