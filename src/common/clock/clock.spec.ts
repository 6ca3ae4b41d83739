import { MAX_TIMER_DELAY_MS, SystemClock } from './clock';

describe('SystemClock.setTimeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fires after the delay asked for', () => {
    const fired = jest.fn();
    new SystemClock().setTimeout(fired, 5_000);
    jest.advanceTimersByTime(4_999);
    expect(fired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('waits out a delay longer than one Node timer allows instead of firing at once', () => {
    const fired = jest.fn();
    const thirtyDays = 30 * 24 * 3600 * 1000;
    new SystemClock().setTimeout(fired, thirtyDays);
    jest.advanceTimersByTime(MAX_TIMER_DELAY_MS);
    expect(fired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(thirtyDays - MAX_TIMER_DELAY_MS - 1);
    expect(fired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('cancels a chained wait in any of its legs', () => {
    const fired = jest.fn();
    const handle = new SystemClock().setTimeout(fired, 3 * MAX_TIMER_DELAY_MS);
    jest.advanceTimersByTime(MAX_TIMER_DELAY_MS + 10);
    handle.cancel();
    jest.advanceTimersByTime(3 * MAX_TIMER_DELAY_MS);
    expect(fired).not.toHaveBeenCalled();
  });
});
