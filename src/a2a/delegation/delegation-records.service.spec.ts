import { Logger } from '@nestjs/common';
import { ApiError } from '../../common/http/api-error';
import { DelegationEvents } from './delegation-events';
import { DelegationRecordsService } from './delegation-records.service';
import { DelegationRepository } from './delegation.repository';

const SOURCE = '11111111-1111-4111-8111-111111111111';
const TARGET = '22222222-2222-4222-8222-222222222222';

describe('DelegationRecordsService', () => {
  const rows = {
    insertDelegate: jest.fn(),
    setStatus: jest.fn(),
    insertResult: jest.fn(),
    list: jest.fn(),
  };
  const events = { sent: jest.fn(), completed: jest.fn(), failed: jest.fn() };
  const service = new DelegationRecordsService(
    rows as unknown as DelegationRepository,
    events as unknown as DelegationEvents,
  );
  let logError: jest.SpyInstance;
  beforeEach(() => {
    jest.resetAllMocks();
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    rows.insertResult.mockResolvedValue(undefined);
  });
  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (err: ApiError) => ({ status: err.status, body: err.body }),
    );

  describe('record', () => {
    it('inserts a dispatched delegate row and announces it', async () => {
      rows.insertDelegate.mockResolvedValue(undefined);
      expect(
        await service.record(SOURCE, { target_id: TARGET, task: 't', delegation_id: 'd' }),
      ).toEqual({ delegation_id: 'd', status: 'recorded' });
      const ref = { sourceId: SOURCE, targetId: TARGET, delegationId: 'd' };
      expect(rows.insertDelegate).toHaveBeenCalledWith({
        ...ref,
        task: 't',
        status: 'dispatched',
        idempotencyKey: null,
      });
      expect(events.sent).toHaveBeenCalledWith(ref, 't');
    });

    it('500 when the insert fails, and no event', async () => {
      rows.insertDelegate.mockRejectedValue(new Error('db down'));
      expect(
        await rejection(
          service.record(SOURCE, { target_id: TARGET, task: 't', delegation_id: 'd' }),
        ),
      ).toEqual({ status: 500, body: { error: 'failed to record delegation' } });
      expect(events.sent).not.toHaveBeenCalled();
    });

    it('404 when the source or target workspace has no row (foreign key), and no event', async () => {
      rows.insertDelegate.mockRejectedValue(Object.assign(new Error('fk'), { code: '23503' }));
      expect(
        await rejection(
          service.record(SOURCE, { target_id: TARGET, task: 't', delegation_id: 'd' }),
        ),
      ).toEqual({ status: 404, body: { error: 'workspace not found' } });
      expect(events.sent).not.toHaveBeenCalled();
    });
  });

  describe('update', () => {
    it("400 for any status but 'completed' and 'failed'", async () => {
      expect(await rejection(service.update(SOURCE, 'd', { status: 'queued' }))).toEqual({
        status: 400,
        body: { error: "status must be 'completed' or 'failed'" },
      });
      expect(rows.setStatus).not.toHaveBeenCalled();
    });

    it('completed: result row and event carry the target of the delegate row', async () => {
      rows.setStatus.mockResolvedValue(TARGET);
      await service.update(SOURCE, 'd', { status: 'completed', response_preview: 'fine' });
      expect(rows.setStatus).toHaveBeenCalledWith(SOURCE, 'd', 'completed', '');
      expect(rows.insertResult).toHaveBeenCalledWith({
        sourceId: SOURCE,
        targetId: TARGET,
        status: 'completed',
        summary: 'Delegation completed (fine)',
        responseBody: { text: 'fine', delegation_id: 'd' },
        errorDetail: null,
      });
      expect(events.completed).toHaveBeenCalledWith(
        { sourceId: SOURCE, targetId: TARGET, delegationId: 'd' },
        'fine',
      );
    });

    it('failed: no result row; the event carries the error', async () => {
      rows.setStatus.mockResolvedValue(undefined);
      expect(await service.update(SOURCE, 'd', { status: 'failed', error: 'nope' })).toEqual({
        status: 'failed',
        delegation_id: 'd',
      });
      expect(rows.setStatus).toHaveBeenCalledWith(SOURCE, 'd', 'failed', 'nope');
      expect(rows.insertResult).not.toHaveBeenCalled();
      expect(events.failed).toHaveBeenCalledWith(
        { sourceId: SOURCE, targetId: undefined, delegationId: 'd' },
        'nope',
      );
    });

    it('a failed status update is logged; the result is still recorded and announced', async () => {
      rows.setStatus.mockRejectedValue(new Error('db down'));
      await service.update(SOURCE, 'd', { status: 'completed' });
      expect(rows.insertResult).toHaveBeenCalledWith(expect.objectContaining({ targetId: null }));
      expect(events.completed).toHaveBeenCalled();
      expect(logError).toHaveBeenCalled();
    });
  });

  it('list: a query error is 500 query failed', async () => {
    rows.list.mockRejectedValue(new Error('db down'));
    expect(await rejection(service.list(SOURCE))).toEqual({
      status: 500,
      body: { error: 'query failed' },
    });
  });
});
