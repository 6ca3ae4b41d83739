import { Clock, TimerHandle } from '../common/clock/clock';
import { LoopLiveness } from '../common/loops/loop-liveness';
import { LivenessController } from './liveness.controller';

class FixedClock extends Clock {
  constructor(private readonly at: Date) {
    super();
  }
  now(): Date {
    return this.at;
  }
  setTimeout(): TimerHandle {
    throw new Error('unused');
  }
}

describe('LivenessController', () => {
  const now = new Date('2026-04-01T12:00:00.000Z');

  it('answers an empty map before any tick', () => {
    const controller = new LivenessController(new LoopLiveness(), new FixedClock(now));
    expect(controller.subsystems()).toEqual({ subsystems: {} });
  });

  it('reports each subsystem’s last tick and its age in whole seconds', () => {
    const liveness = new LoopLiveness();
    liveness.record('scheduler', new Date('2026-04-01T11:59:29.500Z'));
    liveness.record('hibernation-monitor', new Date('2026-04-01T11:58:00.000Z'));
    const body = new LivenessController(liveness, new FixedClock(now)).subsystems();

    expect(JSON.parse(JSON.stringify(body))).toEqual({
      subsystems: {
        scheduler: { last_tick_at: '2026-04-01T11:59:29.500Z', seconds_ago: 30 },
        'hibernation-monitor': { last_tick_at: '2026-04-01T11:58:00.000Z', seconds_ago: 120 },
      },
    });
  });
});
