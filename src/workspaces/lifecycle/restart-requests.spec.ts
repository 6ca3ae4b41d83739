import { Logger } from '@nestjs/common';
import { RestartRequests } from './restart-requests';

describe('RestartRequests', () => {
  let logged: unknown[];

  beforeEach(() => {
    logged = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args[1]);
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('is a no-op without listeners', () => {
    expect(() => new RestartRequests().request(['a'], 'why')).not.toThrow();
  });

  it('hands the ids and reason to every listener', async () => {
    const restarts = new RestartRequests();
    const first = jest.fn();
    const second = jest.fn();
    restarts.on(first);
    restarts.on(second);

    restarts.request(['a', 'b'], 'global secret changed');
    await new Promise((r) => setImmediate(r));

    expect(first).toHaveBeenCalledWith(['a', 'b'], 'global secret changed');
    expect(second).toHaveBeenCalledWith(['a', 'b'], 'global secret changed');
  });

  it('does not call listeners for an empty id list', async () => {
    const restarts = new RestartRequests();
    const listener = jest.fn();
    restarts.on(listener);
    restarts.request([], 'why');
    await new Promise((r) => setImmediate(r));
    expect(listener).not.toHaveBeenCalled();
  });

  it('stops calling a listener once unsubscribed', async () => {
    const restarts = new RestartRequests();
    const listener = jest.fn();
    const unsubscribe = restarts.on(listener);
    unsubscribe();
    restarts.request(['a'], 'why');
    await new Promise((r) => setImmediate(r));
    expect(listener).not.toHaveBeenCalled();
  });

  it('contains throwing and rejecting listeners, and still calls the others', async () => {
    const restarts = new RestartRequests();
    const after = jest.fn();
    restarts.on(() => {
      throw new Error('sync');
    });
    restarts.on(() => Promise.reject(new Error('async')));
    restarts.on(after);

    expect(() => restarts.request(['a'], 'why')).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));

    expect(after).toHaveBeenCalledWith(['a'], 'why');
    expect(logged).toEqual(['listener failed', 'listener failed']);
  });
});
