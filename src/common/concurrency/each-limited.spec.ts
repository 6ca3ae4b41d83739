import { eachLimited } from './each-limited';

describe('eachLimited', () => {
  it('visits every item, never more than `limit` at once', async () => {
    let active = 0;
    let peak = 0;
    const seen: number[] = [];
    await eachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setImmediate(r));
      seen.push(n);
      active--;
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });

  it('does nothing for no items', async () => {
    const work = jest.fn();
    await eachLimited([], 4, work);
    expect(work).not.toHaveBeenCalled();
  });

  it('starts no new item once the signal aborts', async () => {
    const stop = new AbortController();
    const seen: number[] = [];
    await eachLimited(
      [1, 2, 3],
      1,
      async (n) => {
        seen.push(n);
        if (n === 2) stop.abort();
      },
      stop.signal,
    );
    expect(seen).toEqual([1, 2]);
  });
});
