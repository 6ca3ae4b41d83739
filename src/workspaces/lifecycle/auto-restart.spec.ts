import { mock } from 'jest-mock-extended';
import { quietLogs } from '../../../test/support/unit';
import { ComputeBackends } from '../../provisioner/compute-backends';
import { Provisioner } from '../../provisioner/provisioner.port';
import { AutoRestart } from './auto-restart';
import { DesiredStateRepository } from './desired-state.repository';
import { Reconciler } from './reconciler';
import { RestartRequests } from './restart-requests';

/** A promise and the function that settles it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('AutoRestart', () => {
  quietLogs();

  function setup(backends = new ComputeBackends(mock<Provisioner>(), null)) {
    const requests = new RestartRequests();
    const desired = mock<DesiredStateRepository>();
    const reconciler = mock<Reconciler>();
    const auto = new AutoRestart(backends, requests, desired, reconciler);
    auto.onModuleInit();
    return { requests, desired, reconciler };
  }

  it('writes a request and nudges the reconciler for the ids accepted', async () => {
    const { requests, desired, reconciler } = setup();
    desired.autoRestart.mockResolvedValue(['a']);
    requests.request(['a', 'b'], 'model changed');
    await flush();
    expect(desired.autoRestart).toHaveBeenCalledWith(['a', 'b']);
    expect(reconciler.nudge).toHaveBeenCalledWith(['a']);
  });

  it('merges the requests that arrive while a statement runs into one next statement', async () => {
    const { requests, desired, reconciler } = setup();
    const first = deferred<string[]>();
    desired.autoRestart.mockReturnValueOnce(first.promise).mockResolvedValueOnce(['b', 'c', 'd']);

    requests.request(['a', 'b'], 'global secret changed');
    await flush();
    requests.request(['b', 'c'], 'global secret changed');
    requests.request(['d'], 'model changed');
    await flush();
    expect(desired.autoRestart).toHaveBeenCalledTimes(1);

    first.resolve(['a', 'b']);
    await flush();
    expect(desired.autoRestart).toHaveBeenCalledTimes(2);
    expect(desired.autoRestart).toHaveBeenLastCalledWith(['b', 'c', 'd']);
    expect(reconciler.nudge.mock.calls).toEqual([[['a', 'b']], [['b', 'c', 'd']]]);
  });

  it('a failed statement is logged and the requests waiting behind it are still written', async () => {
    const { requests, desired } = setup();
    const first = deferred<string[]>();
    desired.autoRestart.mockReturnValueOnce(first.promise).mockResolvedValueOnce(['c']);

    requests.request(['a'], 'model changed');
    await flush();
    requests.request(['c'], 'model changed');
    first.reject(new Error('Query read timeout'));
    await flush();

    expect(desired.autoRestart).toHaveBeenLastCalledWith(['c']);
    // Nothing is left waiting: a later request is written on its own.
    desired.autoRestart.mockResolvedValueOnce(['e']);
    requests.request(['e'], 'model changed');
    await flush();
    expect(desired.autoRestart).toHaveBeenLastCalledWith(['e']);
    expect(desired.autoRestart).toHaveBeenCalledTimes(3);
  });

  it('without any compute backend touches nothing', async () => {
    const { requests, desired } = setup(new ComputeBackends(null, null));
    requests.request(['a'], 'model changed');
    await flush();
    expect(desired.autoRestart).not.toHaveBeenCalled();
  });
});
