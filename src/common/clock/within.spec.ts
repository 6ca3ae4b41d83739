import { FakeClock } from '../../../test/support/fake-clock';
import { DeadlineExceeded, within } from './within';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('within', () => {
  it('settles like the call when it answers in time, and disarms its timer', async () => {
    const clock = new FakeClock();
    const cancel = jest.fn();
    jest.spyOn(clock, 'setTimeout').mockReturnValue({ cancel });
    await expect(within(clock, Promise.resolve(7), 1000)).resolves.toBe(7);
    await expect(within(clock, Promise.reject(new Error('no')), 1000)).rejects.toThrow('no');
    expect(cancel).toHaveBeenCalledTimes(2);
  });

  it('rejects with DeadlineExceeded once the budget has passed', async () => {
    const clock = new FakeClock();
    const outcome = within(clock, new Promise(() => undefined), 1000).catch((e: unknown) => e);
    clock.advance(999);
    await settle();
    clock.advance(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(DeadlineExceeded);
    expect((error as DeadlineExceeded).ms).toBe(1000);
  });
});
