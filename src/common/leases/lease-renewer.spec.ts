import { Logger } from '@nestjs/common';
import { FakeClock } from '../../../test/support/fake-clock';
import { LeaseRenewer } from './lease-renewer';

describe('LeaseRenewer', () => {
  const start = new Date('2026-04-01T12:00:00Z');

  function renewer() {
    const clock = new FakeClock(start);
    const renewals: { ids: readonly string[]; until: Date }[] = [];
    const renew = jest.fn(async (ids: readonly string[], until: Date) => {
      renewals.push({ ids: [...ids], until });
    });
    const logger = new Logger('test');
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    return { clock, renewals, renew, lease: new LeaseRenewer(clock, 3_000, renew, logger) };
  }

  it('renews every held lease together, every third of the lease, while any is held', async () => {
    const { clock, renewals, lease } = renewer();
    expect(lease.leaseUntil()).toEqual(new Date(start.getTime() + 3_000));
    lease.hold('a');
    lease.hold('b');
    clock.advance(1_000);
    await Promise.resolve();
    expect(renewals).toEqual([{ ids: ['a', 'b'], until: new Date(start.getTime() + 4_000) }]);
    lease.release('a');
    clock.advance(1_000);
    await Promise.resolve();
    expect(renewals.at(-1)!.ids).toEqual(['b']);
    lease.release('b');
    expect(clock.pendingTimers).toBe(0);
    clock.advance(10_000);
    expect(renewals).toHaveLength(2);
  });

  it('keeps its period whatever the renewal takes: each renewal is armed before the last ends', () => {
    const { clock, renewals, renew, lease } = renewer();
    renew.mockImplementation((ids, until) => {
      renewals.push({ ids, until });
      return new Promise(() => undefined);
    });
    lease.hold('a');
    clock.advance(3_000);
    expect(renewals.map((r) => r.until.getTime() - start.getTime())).toEqual([4_000, 5_000, 6_000]);
    lease.release('a');
  });

  it('keeps trying after a failed renewal', async () => {
    const { clock, renew, lease } = renewer();
    renew.mockRejectedValueOnce(new Error('database away'));
    lease.hold('a');
    clock.advance(1_000);
    await new Promise((r) => setImmediate(r));
    clock.advance(1_000);
    expect(renew).toHaveBeenCalledTimes(2);
    lease.release('a');
  });
});
