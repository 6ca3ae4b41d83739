import { Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { FakeClock } from '../../../test/support/fake-clock';
import { BackgroundWork } from '../../common/shutdown/background-work';
import { ShutdownSignal } from '../../common/shutdown/shutdown-signal';
import { loadConfig } from '../../config/load-config';
import { A2AProxyService } from '../proxy/a2a-proxy.service';
import { errorResult, jsonResult, ProxyResult } from '../proxy/proxy-result';
import { DelegationEvents } from './delegation-events';
import { DelegationWorker, RETRY_DELAY_MS } from './delegation-worker';
import { DelegationRepository } from './delegation.repository';

const job = { sourceId: 'src', targetId: 'tgt', delegationId: 'd-1', task: 'do it' };
const ref = { sourceId: 'src', targetId: 'tgt', delegationId: 'd-1' };
const reply = (text: string) =>
  jsonResult(
    200,
    { jsonrpc: '2.0', id: 1, result: { parts: [{ kind: 'text', text }] } },
    'delivered',
  );
const unreachable = () => errorResult(502, 'failed to reach workspace agent', 'failed');
const flush = () => new Promise((r) => setImmediate(r));

describe('DelegationWorker', () => {
  const proxy = { proxy: jest.fn<Promise<ProxyResult>, unknown[]>() };
  const rows = { setStatus: jest.fn(), insertResult: jest.fn() };
  const events = { status: jest.fn(), completed: jest.fn(), failed: jest.fn() };
  let clock: FakeClock;
  let work: BackgroundWork;
  let worker: DelegationWorker;
  let logError: jest.SpyInstance;
  beforeEach(() => {
    jest.resetAllMocks();
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    rows.setStatus.mockResolvedValue('tgt');
    rows.insertResult.mockResolvedValue(undefined);
    clock = new FakeClock();
    const config = loadConfig({}).config;
    work = new BackgroundWork(config, new ShutdownSignal(config));
    worker = new DelegationWorker(
      proxy as unknown as A2AProxyService,
      rows as unknown as DelegationRepository,
      events as unknown as DelegationEvents,
      clock,
      work,
    );
  });

  it('dispatches the task as the source workspace, with the delegation id on the message', async () => {
    proxy.proxy.mockResolvedValue(reply('ok'));
    await worker.run(job);
    expect(rows.setStatus).toHaveBeenNthCalledWith(1, 'src', 'd-1', 'dispatched');
    expect(events.status).toHaveBeenCalledWith(ref, 'dispatched');
    expect(proxy.proxy).toHaveBeenCalledWith({
      targetId: 'tgt',
      callerId: 'src',
      body: {
        method: 'message/send',
        params: {
          message: {
            role: 'user',
            messageId: 'd-1',
            parts: [{ kind: 'text', type: 'text', text: 'do it' }],
            metadata: { delegation_id: 'd-1' },
          },
        },
      },
      logFailures: true,
      enqueueWhenBusy: true,
    });
  });

  it('a reply completes the delegation', async () => {
    proxy.proxy.mockResolvedValue(reply('all done'));
    expect(await worker.run(job)).toBe('completed');
    expect(rows.insertResult).toHaveBeenCalledWith({
      sourceId: 'src',
      targetId: 'tgt',
      status: 'completed',
      summary: 'Delegation completed (all done)',
      responseBody: { text: 'all done', delegation_id: 'd-1' },
      errorDetail: null,
    });
    expect(rows.setStatus).toHaveBeenLastCalledWith('src', 'd-1', 'completed');
    expect(events.completed).toHaveBeenCalledWith(ref, 'all done');
    expect(events.failed).not.toHaveBeenCalled();
  });

  it('a queued answer leaves the delegation queued for the drain', async () => {
    proxy.proxy.mockResolvedValue(jsonResult(202, { queued: true, queue_id: 'q' }, 'queued'));
    expect(await worker.run(job)).toBe('queued');
    expect(rows.setStatus).toHaveBeenLastCalledWith('src', 'd-1', 'queued');
    expect(rows.insertResult).toHaveBeenCalledWith({
      sourceId: 'src',
      targetId: 'tgt',
      status: 'queued',
      summary: 'Delegation queued — target at capacity',
      responseBody: { delegation_id: 'd-1', queued: true },
      errorDetail: null,
    });
    expect(events.status).toHaveBeenLastCalledWith(ref, 'queued');
    expect(events.completed).not.toHaveBeenCalled();
  });

  it('a permanent error fails at once, with a linkable result row', async () => {
    proxy.proxy.mockResolvedValue(errorResult(403, 'access denied'));
    expect(await worker.run(job)).toBe('failed');
    expect(proxy.proxy).toHaveBeenCalledTimes(1);
    expect(rows.setStatus).toHaveBeenLastCalledWith('src', 'd-1', 'failed', 'access denied');
    expect(rows.insertResult).toHaveBeenCalledWith({
      sourceId: 'src',
      targetId: 'tgt',
      status: 'failed',
      summary: 'Delegation failed',
      responseBody: { delegation_id: 'd-1' },
      errorDetail: 'access denied',
    });
    expect(events.failed).toHaveBeenCalledWith(ref, 'access denied');
  });

  it('a transient error is retried once, after the pause', async () => {
    proxy.proxy.mockResolvedValueOnce(unreachable()).mockResolvedValueOnce(reply('second try'));
    const run = worker.run(job);
    await flush();
    expect(proxy.proxy).toHaveBeenCalledTimes(1);
    clock.advance(RETRY_DELAY_MS - 1);
    await flush();
    expect(proxy.proxy).toHaveBeenCalledTimes(1);
    clock.advance(1);
    expect(await run).toBe('completed');
    expect(proxy.proxy).toHaveBeenCalledTimes(2);
    expect(events.completed).toHaveBeenCalledWith(ref, 'second try');
  });

  it('only once: a second transient error fails the delegation', async () => {
    proxy.proxy.mockResolvedValue(unreachable());
    const run = worker.run(job);
    await flush();
    clock.advance(RETRY_DELAY_MS);
    expect(await run).toBe('failed');
    expect(proxy.proxy).toHaveBeenCalledTimes(2);
    expect(events.failed).toHaveBeenCalledWith(ref, 'failed to reach workspace agent');
  });

  it('no retry when the first attempt used up the 30-minute budget', async () => {
    proxy.proxy.mockImplementation(async () => {
      clock.advance(30 * 60 * 1000 - RETRY_DELAY_MS);
      return unreachable();
    });
    expect(await worker.run(job)).toBe('failed');
    expect(proxy.proxy).toHaveBeenCalledTimes(1);
  });

  it('a proxy that throws fails the delegation', async () => {
    proxy.proxy.mockRejectedValue(new Error('boom'));
    expect(await worker.run(job)).toBe('failed');
    expect(events.failed).toHaveBeenCalledWith(ref, 'proxy a2a error');
  });

  it('a streamed reply is drained and counts as delivered', async () => {
    const stream = Readable.from([Buffer.from('{"big":')]);
    proxy.proxy.mockResolvedValue({
      kind: 'stream',
      status: 200,
      contentType: 'application/json',
      stream,
      outcome: 'delivered',
    });
    expect(await worker.run(job)).toBe('completed');
    expect(stream.readableFlowing).toBe(true);
    expect(events.completed).toHaveBeenCalledWith(ref, '');
  });

  it('database errors are logged and the events still go out', async () => {
    rows.setStatus.mockRejectedValue(new Error('db down'));
    rows.insertResult.mockRejectedValue(new Error('db down'));
    proxy.proxy.mockResolvedValue(reply('ok'));
    expect(await worker.run(job)).toBe('completed');
    expect(events.status).toHaveBeenCalledWith(ref, 'dispatched');
    expect(events.completed).toHaveBeenCalledWith(ref, 'ok');
    expect(logError).toHaveBeenCalledTimes(3);
  });

  it('start() runs detached and swallows a crash', async () => {
    events.status.mockRejectedValue(new Error('broken emitter'));
    expect(() => worker.start(job)).not.toThrow();
    expect(work.inFlight).toBe(1);
    await flush();
    expect(work.inFlight).toBe(0);
    expect(proxy.proxy).not.toHaveBeenCalled();
    expect(logError).toHaveBeenCalledWith(
      expect.objectContaining({ delegationId: 'd-1' }),
      'delegation worker crashed',
    );
  });

  it('waits a sane retry window', () => {
    expect(RETRY_DELAY_MS).toBeGreaterThanOrEqual(2_000);
    expect(RETRY_DELAY_MS).toBeLessThanOrEqual(30_000);
  });
});
