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

describe('BackgroundLoops start-up work', () => {
  function loops(liveness = mock<LoopLiveness>()): BackgroundLoops {
    const clock = mock<Clock>();
    clock.now.mockReturnValue(new Date(0));
    return new BackgroundLoops(new SchedulerRegistry(), mock<Database>(), clock, liveness);
  }

  it('runs once at start, reports the loop live, and never overlaps a pass', async () => {
    const liveness = mock<LoopLiveness>();
    const subject = loops(liveness);
    let finishStartup = () => {};
    const startup = jest.fn(() => new Promise<void>((r) => (finishStartup = r)));
    const tick = jest.fn().mockResolvedValue(undefined);
    const loop = { name: 'repairing', intervalMs: 3_600_000, tick, startup };
    const started = subject.start(loop);

    await subject.runOnce(loop);
    expect(tick).not.toHaveBeenCalled();
    expect(liveness.record).not.toHaveBeenCalled();

    finishStartup();
    await started;
    expect(startup).toHaveBeenCalledTimes(1);
    expect(liveness.record).toHaveBeenCalledWith('repairing', new Date(0));
    await subject.runOnce(loop);
    expect(tick).toHaveBeenCalledTimes(1);
  });

  it('a failed start-up is logged, not thrown, and the loop still runs its passes', async () => {
    const subject = loops();
    const tick = jest.fn().mockResolvedValue(undefined);
    const loop = {
      name: 'failing-start',
      intervalMs: 3_600_000,
      tick,
      startup: jest.fn().mockRejectedValue(new Error('db down')),
    };
    await expect(subject.start(loop)).resolves.toBeUndefined();
    await subject.runOnce(loop);
    expect(tick).toHaveBeenCalledTimes(1);
  });
});
