import { Logger } from '@nestjs/common';
import { ApiError } from '../../common/http/api-error';
import { DelegateService, TRACKING_UNAVAILABLE } from './delegate.service';
import { DelegationEvents } from './delegation-events';
import { DelegationIdempotency } from './delegation-idempotency';
import { DelegationWorker } from './delegation-worker';
import { DelegationRepository } from './delegation.repository';

const SOURCE = '11111111-1111-4111-8111-111111111111';
const TARGET = '22222222-2222-4222-8222-222222222222';
const hit = { delegation_id: 'd-old', status: 'pending', target_id: TARGET, idempotent_hit: true };

describe('DelegateService', () => {
  const calls: string[] = [];
  const rows = { insertDelegate: jest.fn() };
  const idempotency = { replay: jest.fn(), winner: jest.fn() };
  const events = { sent: jest.fn() };
  const worker = { start: jest.fn() };
  const service = new DelegateService(
    rows as unknown as DelegationRepository,
    idempotency as unknown as DelegationIdempotency,
    events as unknown as DelegationEvents,
    worker as unknown as DelegationWorker,
  );
  let logError: jest.SpyInstance;
  beforeEach(() => {
    jest.resetAllMocks();
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    calls.length = 0;
    rows.insertDelegate.mockResolvedValue(undefined);
    idempotency.replay.mockResolvedValue(undefined);
    idempotency.winner.mockResolvedValue(undefined);
    events.sent.mockImplementation(async () => void calls.push('sent'));
    worker.start.mockImplementation(() => void calls.push('worker'));
  });

  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (err: ApiError) => ({ status: err.status, body: err.body }),
    );

  it('records a pending delegation, announces it, then starts the worker', async () => {
    const reply = await service.delegate(SOURCE, { target_id: TARGET, task: 'go' });
    expect(reply.status).toBe(202);
    const id = reply.body.delegation_id;
    expect(reply.body).toEqual({ delegation_id: id, status: 'delegated', target_id: TARGET });
    expect(rows.insertDelegate).toHaveBeenCalledWith({
      sourceId: SOURCE,
      targetId: TARGET,
      delegationId: id,
      task: 'go',
      status: 'pending',
      idempotencyKey: null,
    });
    const ref = { sourceId: SOURCE, targetId: TARGET, delegationId: id };
    expect(events.sent).toHaveBeenCalledWith(ref, 'go');
    expect(worker.start).toHaveBeenCalledWith({ ...ref, task: 'go' });
    expect(calls).toEqual(['sent', 'worker']);
  });

  it('stores the canonical target id', async () => {
    const reply = await service.delegate(SOURCE, { target_id: TARGET.toUpperCase(), task: 'go' });
    expect(reply.body.target_id).toBe(TARGET);
  });

  it.each([
    ['not-a-uuid', 'target_id must be a valid UUID'],
    [SOURCE, 'self-delegation not permitted'],
    [`urn:uuid:${SOURCE}`, 'self-delegation not permitted'],
  ])('400 for target %p', async (target, error) => {
    expect(await rejection(service.delegate(SOURCE, { target_id: target, task: 'x' }))).toEqual({
      status: 400,
      body: { error },
    });
    expect(rows.insertDelegate).not.toHaveBeenCalled();
  });

  it('a replayed key answers 200 and sends nothing', async () => {
    idempotency.replay.mockResolvedValue(hit);
    const reply = await service.delegate(SOURCE, {
      target_id: TARGET,
      task: 'x',
      idempotency_key: 'k',
    });
    expect(reply).toEqual({ status: 200, body: hit });
    expect(idempotency.replay).toHaveBeenCalledWith(SOURCE, 'k');
    expect(rows.insertDelegate).not.toHaveBeenCalled();
    expect(events.sent).not.toHaveBeenCalled();
    expect(worker.start).not.toHaveBeenCalled();
  });

  it('stores the key with the row', async () => {
    await service.delegate(SOURCE, { target_id: TARGET, task: 'x', idempotency_key: 'k' });
    expect(rows.insertDelegate).toHaveBeenCalledWith(
      expect.objectContaining({ idempotencyKey: 'k' }),
    );
  });

  it('losing an insert race to the same key answers with the winner', async () => {
    rows.insertDelegate.mockRejectedValue(Object.assign(new Error('dup'), { code: '23505' }));
    idempotency.winner.mockResolvedValue(hit);
    const reply = await service.delegate(SOURCE, {
      target_id: TARGET,
      task: 'x',
      idempotency_key: 'k',
    });
    expect(reply).toEqual({ status: 200, body: hit });
    expect(idempotency.winner).toHaveBeenCalledWith(SOURCE, 'k', TARGET);
    expect(worker.start).not.toHaveBeenCalled();
  });

  it('any other insert failure still delegates, with a warning', async () => {
    rows.insertDelegate.mockRejectedValue(new Error('db down'));
    const reply = await service.delegate(SOURCE, { target_id: TARGET, task: 'x' });
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ status: 'delegated', warning: TRACKING_UNAVAILABLE });
    expect(TRACKING_UNAVAILABLE).toBe('delegation dispatched but status tracking unavailable');
    expect(worker.start).toHaveBeenCalled();
    expect(logError).toHaveBeenCalled();
  });
});
