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

  it('hands the ids and reason to every listener', () => {
    const restarts = new RestartRequests();
    const first = jest.fn();
    const second = jest.fn();
    restarts.onRequest(first);
    restarts.onRequest(second);

    restarts.request(['a', 'b'], 'global secret changed');

    expect(first).toHaveBeenCalledWith(['a', 'b'], 'global secret changed');
    expect(second).toHaveBeenCalledWith(['a', 'b'], 'global secret changed');
  });

  it('does not call listeners for an empty id list', () => {
    const restarts = new RestartRequests();
    const listener = jest.fn();
    restarts.onRequest(listener);
    restarts.request([], 'why');
    expect(listener).not.toHaveBeenCalled();
  });

  it('stops calling a listener once unsubscribed', () => {
    const restarts = new RestartRequests();
    const listener = jest.fn();
    const unsubscribe = restarts.onRequest(listener);
    unsubscribe();
    restarts.request(['a'], 'why');
    expect(listener).not.toHaveBeenCalled();
  });

  it('contains throwing and rejecting listeners, and still calls the others', async () => {
    const restarts = new RestartRequests();
    const after = jest.fn();
    restarts.onRequest(() => {
      throw new Error('sync');
    });
    restarts.onRequest(() => Promise.reject(new Error('async')));
    restarts.onRequest(after);

    expect(() => restarts.request(['a'], 'why')).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));

    expect(after).toHaveBeenCalledWith(['a'], 'why');
    expect(logged).toEqual(['restart request listener failed', 'restart request listener failed']);
  });
});
