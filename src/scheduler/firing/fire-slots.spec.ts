import { FireSlots } from './fire-slots';

const flush = () => new Promise((r) => setImmediate(r));

describe('FireSlots', () => {
  it('runs at most `size` tasks at once and wakes a waiter when one ends', async () => {
    const slots = new FireSlots(2);
    const finishers: (() => void)[] = [];
    const task = () => new Promise<void>((r) => finishers.push(r));
    slots.run(task);
    slots.run(task);
    expect([slots.free, slots.inFlight]).toEqual([0, 2]);
    expect(() => slots.run(task)).toThrow('no free fire slot');

    let woke = false;
    void slots.whenFree().then(() => (woke = true));
    await flush();
    expect(woke).toBe(false);
    finishers[0]();
    await flush();
    expect(woke).toBe(true);
    expect(slots.free).toBe(1);
  });

  it('a failing task frees its slot; whenIdle resolves once all are done', async () => {
    const slots = new FireSlots(3);
    let idle = false;
    let finish = () => {};
    slots.run(() => Promise.reject(new Error('boom')));
    slots.run(() => new Promise<void>((r) => (finish = r)));
    void slots.whenIdle().then(() => (idle = true));
    await flush();
    expect([idle, slots.inFlight]).toEqual([false, 1]);
    finish();
    await flush();
    expect([idle, slots.inFlight]).toEqual([true, 0]);
  });
});
