import { mock, MockProxy } from 'jest-mock-extended';
import { Clock } from '../../common/clock/clock';
import { BackgroundLoops } from '../../common/loops/background-loops';
import { LockKeys } from '../../common/loops/lock-keys';
import { loadConfig } from '../../config/load-config';
import { EventEmitter } from '../../events/event-emitter.port';
import { LivenessRepository } from './liveness.repository';
import { LivenessSweep } from './liveness.sweep';
import { OfflineHooks } from './offline-hooks';

/** The server started at BOOT; the tests run an hour later unless they say otherwise. */
const BOOT = new Date('2026-04-27T11:00:00.000Z');
const NOW = new Date('2026-04-27T12:00:00.000Z');
const A = '0d000000-0000-4000-8000-00000000000a';
const B = '0d000000-0000-4000-8000-00000000000b';

describe('LivenessSweep', () => {
  let repository: MockProxy<LivenessRepository>;
  let events: MockProxy<EventEmitter>;
  let hooks: MockProxy<OfflineHooks>;
  let loops: MockProxy<BackgroundLoops>;
  let now: Date;
  const clock = mock<Clock>({ now: () => now });
  /** A sweep constructed (the server started) at BOOT, then run at NOW. */
  const sweep = (env: Record<string, string> = {}) => {
    now = BOOT;
    const created = new LivenessSweep(
      loadConfig(env).config,
      clock,
      repository,
      events,
      hooks,
      loops,
    );
    now = NOW;
    return created;
  };

  beforeEach(() => {
    repository = mock<LivenessRepository>();
    repository.expireSilentSince.mockResolvedValue([]);
    events = mock<EventEmitter>();
    hooks = mock<OfflineHooks>();
    loops = mock<BackgroundLoops>();
  });

  it('expires what has been silent for longer than the 180 s default TTL', async () => {
    expect(await sweep().sweep()).toBeUndefined();
    expect(repository.expireSilentSince).toHaveBeenCalledWith(new Date('2026-04-27T11:57:00.000Z'));
  });

  it('honours LIVENESS_TTL_SECONDS', async () => {
    await sweep({ LIVENESS_TTL_SECONDS: '30' }).sweep();
    expect(repository.expireSilentSince).toHaveBeenCalledWith(new Date('2026-04-27T11:59:30.000Z'));
  });

  it('records WORKSPACE_OFFLINE {} and then tells the offline hooks, once per workspace', async () => {
    const order: string[] = [];
    repository.expireSilentSince.mockResolvedValue([A, B]);
    events.recordAndBroadcast.mockImplementation(async (type, id, payload) => {
      order.push(`${type} ${id} ${JSON.stringify(payload)}`);
    });
    hooks.emit.mockImplementation((id) => order.push(`hook ${id}`));

    expect(await sweep().sweep()).toEqual({ offline: 2 });
    expect(order).toEqual([
      `WORKSPACE_OFFLINE ${A} {}`,
      `hook ${A}`,
      `WORKSPACE_OFFLINE ${B} {}`,
      `hook ${B}`,
    ]);
  });

  it('counts silence only from its own start, so an outage does not take the fleet offline', async () => {
    const justBooted = sweep();
    now = new Date(BOOT.getTime() + 180_000);
    expect(await justBooted.sweep()).toBeUndefined();
    expect(repository.expireSilentSince).not.toHaveBeenCalled();
    now = new Date(BOOT.getTime() + 180_001);
    await justBooted.sweep();
    expect(repository.expireSilentSince).toHaveBeenCalledWith(new Date(BOOT.getTime() + 1));
  });

  it('runs as a background loop under the liveness advisory lock', () => {
    sweep({ LIVENESS_SWEEP_INTERVAL_SECONDS: '20' }).onApplicationBootstrap();
    expect(loops.start).toHaveBeenCalledWith(
      expect.objectContaining({
        name: 'liveness-monitor',
        intervalMs: 20_000,
        lockKey: LockKeys.livenessSweep,
      }),
    );
  });
});
