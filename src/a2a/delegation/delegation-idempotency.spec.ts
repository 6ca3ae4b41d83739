import { Logger } from '@nestjs/common';
import { decidePrior, DelegationIdempotency } from './delegation-idempotency';
import { DelegationRepository, KeyedDelegation } from './delegation.repository';

const prior = (fields: Partial<KeyedDelegation> = {}): KeyedDelegation => ({
  delegation_id: 'd-old',
  status: 'dispatched',
  target_id: 't-old',
  ...fields,
});

describe('decidePrior', () => {
  it('goes ahead without a prior, or one without a delegation id', () => {
    expect(decidePrior(undefined)).toEqual({ kind: 'proceed' });
    expect(decidePrior(prior({ delegation_id: null }))).toEqual({ kind: 'proceed' });
  });

  it('releases the key of a failed delegation', () => {
    expect(decidePrior(prior({ status: 'failed' }))).toEqual({ kind: 'release' });
  });

  it.each(['pending', 'dispatched', 'queued', 'completed'])('replays a %s delegation', (status) => {
    expect(decidePrior(prior({ status }))).toEqual({
      kind: 'replay',
      hit: { delegation_id: 'd-old', status, target_id: 't-old', idempotent_hit: true },
    });
  });
});

describe('DelegationIdempotency', () => {
  const rows = { findByKey: jest.fn(), releaseFailed: jest.fn() };
  const idempotency = new DelegationIdempotency(rows as unknown as DelegationRepository);
  let logError: jest.SpyInstance;
  beforeEach(() => {
    jest.resetAllMocks();
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    rows.releaseFailed.mockResolvedValue(undefined);
  });

  it('without a key, nothing is looked up', async () => {
    expect(await idempotency.replay('src', '')).toBeUndefined();
    expect(await idempotency.winner('src', '', 't')).toBeUndefined();
    expect(rows.findByKey).not.toHaveBeenCalled();
  });

  it('no match: go ahead', async () => {
    rows.findByKey.mockResolvedValue(undefined);
    expect(await idempotency.replay('src', 'k')).toBeUndefined();
    expect(rows.findByKey).toHaveBeenCalledWith('src', 'k');
  });

  it('a failed holder is deleted and the request goes ahead', async () => {
    rows.findByKey.mockResolvedValue(prior({ status: 'failed' }));
    expect(await idempotency.replay('src', 'k')).toBeUndefined();
    expect(rows.releaseFailed).toHaveBeenCalledWith('src', 'k');
  });

  it('a live holder is replayed', async () => {
    rows.findByKey.mockResolvedValue(prior({ status: 'pending' }));
    expect(await idempotency.replay('src', 'k')).toEqual({
      delegation_id: 'd-old',
      status: 'pending',
      target_id: 't-old',
      idempotent_hit: true,
    });
    expect(rows.releaseFailed).not.toHaveBeenCalled();
  });

  it('a lookup error counts as no match', async () => {
    rows.findByKey.mockRejectedValue(new Error('db down'));
    expect(await idempotency.replay('src', 'k')).toBeUndefined();
    expect(await idempotency.winner('src', 'k', 't')).toBeUndefined();
    expect(logError).toHaveBeenCalledTimes(2);
  });

  it('the winner of an insert race is answered with the requested target', async () => {
    rows.findByKey.mockResolvedValue(prior({ status: 'pending' }));
    expect(await idempotency.winner('src', 'k', 't-new')).toEqual({
      delegation_id: 'd-old',
      status: 'pending',
      target_id: 't-new',
      idempotent_hit: true,
    });
  });

  it('no winner when the key holder has no delegation id', async () => {
    rows.findByKey.mockResolvedValue(prior({ delegation_id: null }));
    expect(await idempotency.winner('src', 'k', 't')).toBeUndefined();
  });
});
