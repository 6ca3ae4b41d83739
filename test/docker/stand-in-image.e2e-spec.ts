import { randomUUID } from 'node:crypto';
import { SystemClock } from '../../src/common/clock/clock';
import { DockerProvisioner } from '../../src/provisioner/docker/docker-provisioner';
import { quietLogs } from '../support/unit';
import {
  describeDocker,
  ensureStandInImage,
  fetchWhenListening,
  testDocker,
  useDockerScope,
} from './support';

describeDocker('the stand-in agent image', () => {
  quietLogs();
  const scope = useDockerScope();
  const provisionerFor = (registry: string) =>
    new DockerProvisioner(
      testDocker(),
      {
        network: 'host',
        imageRegistry: registry,
        imagePlatform: '',
        tierLimits: {
          2: { memoryMb: 512, cpuShares: 1024 },
          3: { memoryMb: 512, cpuShares: 1024 },
          4: { memoryMb: 512, cpuShares: 1024 },
        },
        scope: scope.scope,
      },
      new SystemClock(),
    );
  const startAgent = async (registry: string) =>
    provisionerFor(registry).start({
      workspaceId: randomUUID(),
      name: 'stand-in',
      tier: 2,
      runtime: 'langgraph',
      platformUrl: 'http://127.0.0.1:9',
      env: {},
      configFiles: { 'config.yaml': 'name: x\n', '.platform_inbound_secret': 'inbound-secret' },
    });
  const upload = (url: string, bearer: string) => {
    const form = new FormData();
    form.append('files', new Blob(['hello file']), 'my report.txt');
    return fetchWhenListening(`${url}/internal/chat/uploads/ingest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bearer}` },
      body: form,
    });
  };

  it('is built once and reused while its content is unchanged', async () => {
    const first = await ensureStandInImage({ runtimes: ['langgraph', 'claude-code'] });
    expect(first.registry).toBe('molecule-test');
    expect(first.refs).toEqual([
      'molecule-test/workspace-template-langgraph:latest',
      'molecule-test/workspace-template-claude-code:latest',
    ]);
    const ids = await Promise.all(
      first.refs.map(async (ref) => (await testDocker().getImage(ref).inspect()).Id),
    );
    expect(ids[0]).toBe(ids[1]);
    const again = await ensureStandInImage({ runtimes: ['langgraph'] });
    expect((await testDocker().getImage(again.refs[0]).inspect()).Id).toBe(ids[0]);
  }, 120_000);

  it('serves the upload ingest with the inbound secret only in its ingest variant', async () => {
    const ingest = await ensureStandInImage({ ingest: true });
    expect(ingest.registry).toBe('molecule-test-ingest');
    const plain = await ensureStandInImage();

    const withIngest = await startAgent(ingest.registry);
    const refused = await upload(withIngest, 'wrong');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'unauthorized' });
    const stored = await upload(withIngest, 'inbound-secret');
    expect(stored.status).toBe(200);
    const { files } = (await stored.json()) as { files: Record<string, unknown>[] };
    expect(files).toEqual([
      {
        uri: expect.stringMatching(
          /^workspace:\/workspace\/\.molecule\/chat-uploads\/[0-9a-f]{32}-my_report\.txt$/,
        ),
        name: 'my_report.txt',
        mimeType: 'application/octet-stream',
        size: 10,
      },
    ]);

    const without = await startAgent(plain.registry);
    expect((await upload(without, 'inbound-secret')).status).toBe(404);
  }, 120_000);
});
