import { SchedulerRegistry } from '@nestjs/schedule';
import { mock } from 'jest-mock-extended';
import { Database } from '../../database/database.service';
import { Clock, MAX_TIMER_DELAY_MS } from '../clock/clock';
import { BackgroundLoops } from './background-loops';
import { LoopLiveness } from './loop-liveness';

describe('BackgroundLoops.start', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function loops(): BackgroundLoops {
    const clock = mock<Clock>();
    clock.now.mockReturnValue(new Date(0));
    return new BackgroundLoops(
      new SchedulerRegistry(),
      mock<Database>(),
      clock,
      mock<LoopLiveness>(),
    );
  }

  it('runs a pass each interval', async () => {
    const tick = jest.fn().mockResolvedValue(undefined);
    loops().start({ name: 'every-minute', intervalMs: 60_000, tick });
    await jest.advanceTimersByTimeAsync(59_999);
    expect(tick).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(tick).toHaveBeenCalledTimes(1);
  });

  it('caps an interval too long for a Node timer instead of spinning every millisecond', async () => {
    const tick = jest.fn().mockResolvedValue(undefined);
    const thousandHours = 1000 * 3_600_000;
    loops().start({ name: 'rare', intervalMs: thousandHours, tick });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(tick).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(MAX_TIMER_DELAY_MS - 1_000);
    expect(tick).toHaveBeenCalledTimes(1);
  });
});
