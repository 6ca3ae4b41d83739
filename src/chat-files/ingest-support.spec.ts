import { Readable } from 'node:stream';
import { FakeClock } from '../../test/support/fake-clock';
import { apiFailure, createUnit, quietLogs } from '../../test/support/unit';
import { Clock } from '../common/clock/clock';
import { INGEST_SUPPORT_TTL_MS, IngestSupport } from './ingest-support';
import { WorkspaceInbound } from './workspace-inbound';

describe('IngestSupport', () => {
  quietLogs();
  const reply = (status: number) => ({ status, headers: {}, body: Readable.from([]) });

  async function setup() {
    const clock = new FakeClock();
    const unit = await createUnit(IngestSupport, [{ provide: Clock, useValue: clock }]);
    return { clock, support: unit.sut, inbound: unit.mock(WorkspaceInbound) };
  }

  it.each([
    [404, false],
    [405, false],
    [400, true],
    [401, true],
    [200, true],
    [500, true],
  ])('a probe answered %i means supported=%s', async (status, supported) => {
    const { support, inbound } = await setup();
    inbound.call.mockResolvedValue(reply(status));
    expect(await support.supported('w', 'http://ws:8000/', 'sec')).toBe(supported);
    const call = inbound.call.mock.calls[0][0];
    expect(call).toMatchObject({
      method: 'POST',
      url: 'http://ws:8000/internal/chat/uploads/ingest',
      secret: 'sec',
      headers: { 'content-type': 'multipart/form-data; boundary=molecule-ingest-probe' },
    });
    const chunks: Buffer[] = [];
    for await (const c of call.body!) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('--molecule-ingest-probe--\r\n');
  });

  it('remembers the answer per workspace URL until it expires or is forgotten', async () => {
    const { support, inbound, clock } = await setup();
    inbound.call.mockResolvedValue(reply(404));
    await support.supported('w', 'http://a', 's');
    await support.supported('w', 'http://a', 's');
    expect(inbound.call).toHaveBeenCalledTimes(1);
    await support.supported('w', 'http://b', 's');
    expect(inbound.call).toHaveBeenCalledTimes(2);
    clock.advance(INGEST_SUPPORT_TTL_MS + 1);
    await support.supported('w', 'http://a', 's');
    expect(inbound.call).toHaveBeenCalledTimes(3);
    support.forget('w', 'http://a');
    await support.supported('w', 'http://a', 's');
    expect(inbound.call).toHaveBeenCalledTimes(4);
  });

  it('a probe without an answer is 502 and is not remembered', async () => {
    const { support, inbound } = await setup();
    inbound.call.mockRejectedValueOnce(new Error('ECONNREFUSED'));
    expect(await apiFailure(support.supported('w', 'http://a', 's'))).toEqual([
      502,
      { error: 'workspace unreachable' },
    ]);
    inbound.call.mockResolvedValue(reply(400));
    expect(await support.supported('w', 'http://a', 's')).toBe(true);
  });

  it('gives up on a silent workspace after 10 s', async () => {
    const { support, inbound, clock } = await setup();
    inbound.call.mockImplementation(
      (call) =>
        new Promise((_, reject) =>
          call.signal.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    );
    const pending = apiFailure(support.supported('w', 'http://a', 's'));
    await Promise.resolve();
    clock.advance(10_000);
    expect(await pending).toEqual([502, { error: 'workspace unreachable' }]);
  });
});
