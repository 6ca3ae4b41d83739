import { mock } from 'jest-mock-extended';
import { FakeClock } from '../../../test/support/fake-clock';
import { quietLogs } from '../../../test/support/unit';
import { ClaimLeases } from './claim-leases';
import { ClaimLost } from './reconcile-action';
import { ReconcileRepository } from './reconcile.repository';

const LEASE_MS = 30_000;
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ClaimLeases', () => {
  quietLogs();

  function setup() {
    const clock = new FakeClock();
    const repository = mock<ReconcileRepository>();
    repository.renew.mockImplementation(async (_owner, _lease, ids) => new Set(ids));
    return { clock, repository, leases: new ClaimLeases(repository, clock, 'me', LEASE_MS) };
  }

  it('renews every held lease together, every third of the lease, while any is held', async () => {
    const { clock, repository, leases } = setup();
    leases.hold('a');
    leases.hold('b');
    clock.advance(LEASE_MS / 3);
    await settle();
    expect(repository.renew).toHaveBeenCalledWith('me', LEASE_MS, ['a', 'b']);
    leases.drop('a');
    clock.advance(LEASE_MS / 3);
    await settle();
    expect(repository.renew).toHaveBeenLastCalledWith('me', LEASE_MS, ['b']);
    leases.drop('b');
    clock.advance(LEASE_MS);
    await settle();
    expect(repository.renew).toHaveBeenCalledTimes(2);
  });

  it('a recently confirmed claim needs no query; a lease another replica took throws ClaimLost', async () => {
    const { clock, repository, leases } = setup();
    leases.hold('a');
    await leases.ensure('a');
    expect(repository.renew).not.toHaveBeenCalled();
    repository.renew.mockResolvedValue(new Set());
    clock.advance(LEASE_MS / 3);
    await settle();
    await expect(leases.ensure('a')).rejects.toBeInstanceOf(ClaimLost);
  });

  it('confirms a claim not renewed for half a lease (a stalled process) before acting', async () => {
    const { clock, repository, leases } = setup();
    repository.renew.mockRejectedValue(new Error('database down'));
    leases.hold('a');
    clock.advance(LEASE_MS / 2);
    await settle();
    repository.renew.mockResolvedValueOnce(new Set());
    await expect(leases.ensure('a')).rejects.toBeInstanceOf(ClaimLost);
    expect(repository.renew).toHaveBeenLastCalledWith('me', LEASE_MS, ['a']);
  });
});
