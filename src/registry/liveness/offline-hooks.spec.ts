import { Logger } from '@nestjs/common';
import { OfflineHooks } from './offline-hooks';

/** Listeners run detached; they have all settled after one macrotask. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('OfflineHooks', () => {
  afterEach(() => jest.restoreAllMocks());

  it('calls every listener with the workspace id, without waiting for them', async () => {
    const hooks = new OfflineHooks();
    const seen: string[] = [];
    hooks.on((id) => void seen.push(`first ${id}`));
    hooks.on(async (id) => void seen.push(`second ${id}`));
    hooks.emit('ws-1');
    expect(seen).toEqual([]);
    await flush();
    expect(seen).toEqual(['first ws-1', 'second ws-1']);
  });

  it('logs a failing listener and still calls the others', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const hooks = new OfflineHooks();
    const seen: string[] = [];
    hooks.on(() => {
      throw new Error('restart failed');
    });
    hooks.on(async () => Promise.reject(new Error('also failed')));
    hooks.on((id) => void seen.push(id));
    hooks.emit('ws-2');
    await flush();
    expect(seen).toEqual(['ws-2']);
    expect(logged).toHaveBeenCalledTimes(2);
  });
});
