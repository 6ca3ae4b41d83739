import { Readable } from 'node:stream';
import { FakeClock } from '../../../test/support/fake-clock';
import { createUnit, quietLogs } from '../../../test/support/unit';
import { Clock } from '../../common/clock/clock';
import { AppConfig } from '../../config/app-config';
import { A2AMetrics } from '../a2a-metrics';
import { DelegationStitch } from '../delegation/delegation-stitch';
import { A2AProxyService } from '../proxy/a2a-proxy.service';
import { jsonResult, ProxyResult } from '../proxy/proxy-result';
import { A2AQueueRepository, ClaimedItem } from './a2a-queue.repository';
import { failureMessage, QueueDrainer } from './queue-drainer';

const raw = (status: number, body: string): ProxyResult => ({
  kind: 'json',
  status,
  body: Buffer.from(body),
  outcome: 'failed',
});

describe('failureMessage', () => {
  it('uses the error string of the error response', () => {
    expect(
      failureMessage(
        jsonResult(
          403,
          { error: 'access denied: workspaces cannot communicate per hierarchy rules' },
          'rejected',
        ),
      ),
    ).toBe('access denied: workspaces cannot communicate per hierarchy rules');
  });

  it.each([
    [raw(502, ''), 'Bad Gateway'],
    [raw(500, '{"detail":"x"}'), 'Internal Server Error'],
    [raw(503, '{"error":42}'), 'Service Unavailable'],
    [raw(503, '{"error":""}'), 'Service Unavailable'],
    [raw(418, ''), "I'm a teapot"],
    [raw(509, ''), 'unknown drain dispatch error'],
    [raw(599, 'not json'), 'unknown drain dispatch error'],
  ])('falls back to the reason phrase without crashing: %#', (result, expected) => {
    expect(failureMessage(result)).toBe(expected);
  });

  it('a stream has no error body', () => {
    expect(
      failureMessage({
        kind: 'stream',
        status: 200,
        contentType: 'text/event-stream',
        stream: Readable.from([]),
        outcome: 'delivered',
      }),
    ).toBe('unknown drain dispatch error');
  });
});

describe('QueueDrainer.drainOne', () => {
  quietLogs();
  const item: ClaimedItem = {
    id: 'q-1',
    caller_id: 'caller',
    body: { method: 'message/send' },
    method: 'message/send',
    attempts: 1,
  };

  const clock = new FakeClock(new Date('2026-04-01T12:00:00Z'));
  const drainer = () =>
    createUnit(QueueDrainer, [
      { provide: Clock, useValue: clock },
      { provide: AppConfig, useValue: { deliveryLeaseMs: 30_000 } },
    ]);

  async function drainWith(result: ProxyResult, sent: boolean | Error = true) {
    const unit = await drainer();
    const queue = unit.mock(A2AQueueRepository);
    queue.claim.mockResolvedValue(item);
    if (sent instanceof Error) queue.markSent.mockRejectedValue(sent);
    else queue.markSent.mockResolvedValue(sent);
    queue.fail.mockResolvedValue('queued');
    const proxy = unit.mock(A2AProxyService);
    proxy.proxy.mockResolvedValue(result);
    const outcome = await unit.sut.drainOne('ws');
    return {
      outcome,
      queue,
      proxy,
      stitch: unit.mock(DelegationStitch),
      metrics: unit.mock(A2AMetrics),
      owner: unit.sut.owner,
    };
  }

  it('claims under a lease of this replica and marks the item sent before it leaves', async () => {
    const { queue, proxy, owner } = await drainWith(jsonResult(200, {}, 'delivered'));
    expect(queue.claim).toHaveBeenCalledWith(
      'ws',
      { owner, until: new Date('2026-04-01T12:00:30Z') },
      clock.now(),
      expect.any(Number),
    );
    expect(queue.markSent).toHaveBeenCalledWith('q-1', owner);
    expect(queue.markSent.mock.invocationCallOrder[0]).toBeLessThan(
      proxy.proxy.mock.invocationCallOrder[0],
    );
    // The lease is let go with the delivery: nothing renews it any more.
    expect(clock.pendingTimers).toBe(0);
  });

  it.each([
    ['another replica took the item over', false],
    ['the mark may not have landed', new Error('db gone')],
  ])('sends nothing when %s', async (_, sent) => {
    const { outcome, queue, proxy } = await drainWith(jsonResult(200, {}, 'delivered'), sent);
    expect(outcome).toBe('lost');
    expect(proxy.proxy).not.toHaveBeenCalled();
    expect(queue.complete).not.toHaveBeenCalled();
    expect(queue.fail).not.toHaveBeenCalled();
  });

  it('dispatches as the stored caller, without logging each failed try', async () => {
    const { proxy } = await drainWith(jsonResult(200, { result: {} }, 'delivered'));
    expect(proxy.proxy).toHaveBeenCalledWith(
      expect.objectContaining({ targetId: 'ws', callerId: 'caller', logFailures: false }),
    );
  });

  it('completes a delivered reply and stitches it into the delegation', async () => {
    const { outcome, queue, stitch } = await drainWith(
      jsonResult(200, { result: {} }, 'delivered'),
    );
    expect(outcome).toBe('delivered');
    expect(queue.complete).toHaveBeenCalledWith('q-1', expect.any(String));
    expect(stitch.afterDelivery).toHaveBeenCalledWith('ws', item, expect.any(Buffer));
  });

  it("completes the agent's own 202 without stitching a result that is not there yet", async () => {
    const { outcome, queue, stitch } = await drainWith(
      jsonResult(202, { accepted: true }, 'delivered'),
    );
    expect(outcome).toBe('delivered');
    expect(queue.complete).toHaveBeenCalledWith('q-1', expect.any(String));
    expect(stitch.afterDelivery).not.toHaveBeenCalled();
  });

  it('counts each dispatch by how it ended; an empty queue counts nothing', async () => {
    const { metrics } = await drainWith(jsonResult(200, { result: {} }, 'delivered'));
    expect(metrics.drained.mock.calls).toEqual([['delivered']]);

    const unit = await drainer();
    unit.mock(A2AQueueRepository).claim.mockResolvedValue(undefined);
    expect(await unit.sut.drainOne('ws')).toBe('empty');
    expect(unit.mock(A2AMetrics).drained).not.toHaveBeenCalled();
  });

  it('counts a relayed 3xx as a failed delivery, like the delegation worker does', async () => {
    const { outcome, queue, metrics } = await drainWith(
      jsonResult(302, { error: 'Found' }, 'delivered'),
    );
    expect(outcome).toBe('requeued');
    expect(metrics.drained.mock.calls).toEqual([['requeued']]);
    expect(queue.complete).not.toHaveBeenCalled();
    expect(queue.fail).toHaveBeenCalledWith('q-1', expect.any(String), 'Found', 5);
  });

  it('reads a streamed reply to its end, so the agent is not left hanging', async () => {
    const stream = new Readable({ read() {} });
    const { outcome, queue } = await drainWith({
      kind: 'stream',
      status: 200,
      contentType: 'text/event-stream',
      stream,
      outcome: 'delivered',
    });
    expect(outcome).toBe('delivered');
    expect(queue.complete).toHaveBeenCalledWith('q-1', expect.any(String));
    expect(stream.readableFlowing).toBe(true);
  });
});

describe('QueueDrainer.onHeartbeat', () => {
  const beat = { workspaceId: 'ws', activeTasks: 0, maxConcurrentTasks: 1 };

  it('claims only with spare capacity and something queued or in flight', async () => {
    const unit = await createUnit(QueueDrainer, [
      { provide: Clock, useValue: new FakeClock() },
      { provide: AppConfig, useValue: { deliveryLeaseMs: 30_000 } },
    ]);
    const queue = unit.mock(A2AQueueRepository);
    queue.claim.mockResolvedValue(undefined);
    await unit.sut.onHeartbeat({ ...beat, queued: false });
    await unit.sut.onHeartbeat({ ...beat, activeTasks: 1, queued: true });
    expect(queue.claim).not.toHaveBeenCalled();
    await unit.sut.onHeartbeat({ ...beat, queued: true });
    expect(queue.claim).toHaveBeenCalledTimes(1);
  });
});
