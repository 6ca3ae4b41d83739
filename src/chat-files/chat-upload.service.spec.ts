import { PassThrough, Readable } from 'node:stream';
import { FakeClock } from '../../test/support/fake-clock';
import { apiFailure, createUnit, quietLogs } from '../../test/support/unit';
import { Clock } from '../common/clock/clock';
import { ChatTargets } from './chat-targets';
import { ChatUploadService, UPLOAD_FORWARD_TIMEOUT_MS } from './chat-upload.service';
import { IngestSupport } from './ingest-support';
import { ChatUploadStager } from './upload-stager';
import { WorkspaceInbound } from './workspace-inbound';

describe('ChatUploadService', () => {
  quietLogs();
  const target = {
    url: 'http://ws:8000',
    platform_inbound_secret: 's',
    instance_id: '',
    runtime: 'langgraph',
  };

  async function setup(local: boolean) {
    const clock = new FakeClock();
    const unit = await createUnit(ChatUploadService, [{ provide: Clock, useValue: clock }]);
    const targets = unit.mock(ChatTargets);
    targets.find.mockResolvedValue(target);
    targets.reachable.mockResolvedValue({ url: target.url, secret: 's' });
    targets.isLocal.mockReturnValue(local);
    Object.defineProperty(targets, 'hasDocker', { get: () => true });
    return { clock, sut: unit.sut, unit };
  }
  const upload = (body: Readable = Readable.from([Buffer.from('x')]), contentLength?: number) => ({
    contentType: 'multipart/form-data; boundary=b',
    contentLength,
    body,
  });

  it('stages through the engine only for a local workspace whose runtime lacks the endpoint', async () => {
    const { sut, unit } = await setup(true);
    unit.mock(IngestSupport).supported.mockResolvedValue(false);
    unit.mock(ChatUploadStager).stage.mockResolvedValue({ files: [] });
    expect(await sut.upload('w', upload())).toEqual({ kind: 'staged', body: { files: [] } });
    expect(unit.mock(WorkspaceInbound).call).not.toHaveBeenCalled();
  });

  it('never probes a workspace the engine cannot reach', async () => {
    const { sut, unit } = await setup(false);
    unit
      .mock(WorkspaceInbound)
      .call.mockResolvedValue({ status: 200, headers: {}, body: Readable.from([]) });
    expect((await sut.upload('w', upload())).kind).toBe('relayed');
    expect(unit.mock(IngestSupport).supported).not.toHaveBeenCalled();
  });

  it('refuses a declared length over 50 MiB before calling anyone', async () => {
    const { sut, unit } = await setup(false);
    expect(await apiFailure(sut.upload('w', upload(undefined, 50 * 1024 * 1024 + 1)))).toEqual([
      413,
      { error: 'request body exceeds total limit (50 MB)' },
    ]);
    expect(unit.mock(WorkspaceInbound).call).not.toHaveBeenCalled();
  });

  it('aborts the forward after 120 s: 502', async () => {
    const { sut, unit, clock } = await setup(false);
    unit
      .mock(WorkspaceInbound)
      .call.mockImplementation(
        (call) =>
          new Promise((_, reject) =>
            call.signal.addEventListener('abort', () => reject(new Error('aborted'))),
          ),
      );
    const pending = apiFailure(sut.upload('w', upload(new PassThrough())));
    await new Promise((r) => setImmediate(r));
    clock.advance(UPLOAD_FORWARD_TIMEOUT_MS - 1);
    clock.advance(1);
    expect(await pending).toEqual([502, { error: 'workspace unreachable' }]);
  });

  it('keeps the timer over the relay and drops it when the reply is done', async () => {
    const { sut, unit, clock } = await setup(false);
    const replyBody = new PassThrough();
    let signal: AbortSignal | undefined;
    unit.mock(WorkspaceInbound).call.mockImplementation(async (call) => {
      signal = call.signal;
      return { status: 200, headers: {}, body: replyBody };
    });
    await sut.upload('w', upload());
    replyBody.end('done');
    replyBody.resume();
    await new Promise((r) => replyBody.once('close', r));
    clock.advance(UPLOAD_FORWARD_TIMEOUT_MS);
    expect(signal!.aborted).toBe(false);
  });

  it('forgets that the endpoint exists when the forward meets a 404', async () => {
    const { sut, unit } = await setup(true);
    unit.mock(IngestSupport).supported.mockResolvedValue(true);
    unit
      .mock(WorkspaceInbound)
      .call.mockResolvedValue({ status: 404, headers: {}, body: Readable.from([]) });
    await sut.upload('w', upload());
    expect(unit.mock(IngestSupport).forget).toHaveBeenCalledWith('w', target.url);
  });
});
