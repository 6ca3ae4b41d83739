import { busEvent, buildEnvelope } from '../../events/event-envelope';
import { EventBus } from '../../events/event-bus';
import { FakeClock } from '../../../test/support/fake-clock';
import { DispatchDeadline } from './dispatch-deadline';

describe('DispatchDeadline', () => {
  const clock = new FakeClock();
  const bus = new EventBus();
  const event = (workspaceId: string) =>
    bus.deliver(busEvent(buildEnvelope('WORKSPACE_HEARTBEAT', workspaceId, {}, clock.now())));

  it('fires after an idle window of silence', () => {
    const d = new DispatchDeadline(clock, bus, { workspaceId: 'w', idleMs: 1000 });
    clock.advance(999);
    expect(d.signal.aborted).toBe(false);
    clock.advance(1);
    expect(d.signal.aborted).toBe(true);
    expect(d.reason).toBe('idle');
  });

  it('an event about the workspace restarts the window; others do not', () => {
    const d = new DispatchDeadline(clock, bus, { workspaceId: 'w', idleMs: 1000 });
    clock.advance(900);
    event('w');
    clock.advance(900);
    event('someone-else');
    expect(d.signal.aborted).toBe(false);
    clock.advance(100);
    expect(d.reason).toBe('idle');
  });

  it('the total bound fires even while events keep arriving', () => {
    const d = new DispatchDeadline(clock, bus, {
      workspaceId: 'w',
      idleMs: 1000,
      totalMs: 2500,
      totalReason: 'timeout',
    });
    for (let i = 0; i < 2; i++) {
      clock.advance(900);
      d.touch();
    }
    clock.advance(700);
    expect(d.reason).toBe('timeout');
  });

  it('dispose stops everything and unsubscribes', () => {
    const d = new DispatchDeadline(clock, bus, { workspaceId: 'w', idleMs: 1000, totalMs: 5000 });
    d.dispose();
    clock.advance(10_000);
    expect(d.signal.aborted).toBe(false);
    expect((bus as unknown as { byWorkspace: Map<string, unknown> }).byWorkspace.has('w')).toBe(
      false,
    );
  });
});
