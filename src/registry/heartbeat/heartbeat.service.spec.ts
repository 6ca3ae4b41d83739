import { MockProxy } from 'jest-mock-extended';
import { hashToken } from '../../common/auth/token-codec';
import { EventEmitter } from '../../events/event-emitter.port';
import { apiFailure, createUnit, quietLogs, UnitUnderTest } from '../../../test/support/unit';
import { RegistryRepository } from '../registry.repository';
import { HeartbeatHooks } from './heartbeat-hooks';
import { HeartbeatMetrics } from './heartbeat-metrics';
import { HeartbeatService, MONTHLY_SPEND_CAP } from './heartbeat.service';
import { RuntimeOverrides } from './runtime-overrides';

const WS = '9a1c7e55-1111-4aaa-8bbb-000000000001';

describe('HeartbeatService', () => {
  quietLogs();
  let unit: UnitUnderTest<HeartbeatService>;
  let registry: MockProxy<RegistryRepository>;
  const overrides = new RuntimeOverrides();

  beforeEach(async () => {
    overrides.reset();
    unit = await createUnit(HeartbeatService, [{ provide: RuntimeOverrides, useValue: overrides }]);
    registry = unit.mock(RegistryRepository);
    registry.heartbeat.mockResolvedValue({
      gate: 'open',
      result: { previous_task: '', status: 'online', max_concurrent_tasks: 2, queued: false },
    });
  });

  it('costs one round trip (gate and write together) when nothing changes', async () => {
    expect(await unit.sut.heartbeat({ workspace_id: WS, uptime_seconds: 5 }, 'Bearer t')).toEqual({
      status: 'ok',
    });
    expect(registry.heartbeat).toHaveBeenCalledTimes(1);
    expect(registry.heartbeat.mock.calls[0][2]).toEqual(hashToken('t'));
    expect(registry.transition).not.toHaveBeenCalled();
    expect(unit.mock(EventEmitter).recordAndBroadcast).not.toHaveBeenCalled();
    expect(unit.mock(EventEmitter).broadcastOnly.mock.calls).toEqual([
      ['WORKSPACE_HEARTBEAT', WS, { active_tasks: 0, uptime_seconds: 5 }],
    ]);
    expect(unit.mock(HeartbeatHooks).emit).toHaveBeenCalledWith({
      workspaceId: WS,
      activeTasks: 0,
      maxConcurrentTasks: 2,
      queued: false,
    });
  });

  it('writes a degrade with a guarded transition and records its event before the heartbeat', async () => {
    registry.transition.mockResolvedValue(true);
    await unit.sut.heartbeat(
      { workspace_id: WS, uptime_seconds: 5, error_rate: 0.7, current_task: 'x' },
      undefined,
    );
    expect(registry.transition).toHaveBeenCalledWith(WS, 'online', 'degraded');
    expect(unit.mock(EventEmitter).recordAndBroadcast).toHaveBeenCalledWith(
      'WORKSPACE_DEGRADED',
      WS,
      { error_rate: 0.7, sample_error: '' },
    );
    expect(unit.mock(EventEmitter).broadcastOnly.mock.calls.map((c) => c[0])).toEqual([
      'TASK_UPDATED',
      'WORKSPACE_HEARTBEAT',
    ]);
  });

  it('sends no event when the guarded transition lost a race', async () => {
    registry.transition.mockResolvedValue(false);
    await unit.sut.heartbeat({ workspace_id: WS, uptime_seconds: 5, error_rate: 0.9 }, undefined);
    expect(unit.mock(EventEmitter).recordAndBroadcast).not.toHaveBeenCalled();
  });

  it('clamps the spend and treats an uptime of 0 as a task push', async () => {
    await unit.sut.heartbeat(
      { workspace_id: WS, monthly_spend: Number.MAX_SAFE_INTEGER },
      undefined,
    );
    expect(registry.heartbeat).toHaveBeenCalledWith(
      expect.objectContaining({ monthlySpend: MONTHLY_SPEND_CAP }),
      true,
      null,
    );
  });

  it('stores the scheduler capability of a heartbeat with runtime metadata, else keeps it', async () => {
    const declared = async (runtime_metadata?: { capabilities?: Record<string, boolean> }) => {
      registry.heartbeat.mockClear();
      await unit.sut.heartbeat(
        { workspace_id: WS, uptime_seconds: 5, runtime_metadata },
        undefined,
      );
      return registry.heartbeat.mock.calls[0][0].nativeScheduler;
    };
    expect(await declared({ capabilities: { scheduler: true, session: false } })).toBe(true);
    expect(await declared({ capabilities: { scheduler: false } })).toBe(false);
    expect(await declared({})).toBe(false);
    expect(await declared(undefined)).toBeNull();
  });

  it('an uptime of 0 with a non-zero error rate is a full heartbeat (health data)', async () => {
    await unit.sut.heartbeat({ workspace_id: WS, error_rate: 0.7 }, undefined);
    expect(registry.heartbeat).toHaveBeenCalledWith(
      expect.objectContaining({ errorRate: 0.7 }),
      false,
      null,
    );
  });

  it.each([
    ['runtime_metadata', { runtime_metadata: { capabilities: { heartbeat: true } } }],
    ['runtime_metadata without capabilities', { runtime_metadata: {} }],
    ['runtime_state', { runtime_state: 'wedged', sample_error: 'stuck in a tool call' }],
    ['an empty runtime_state', { runtime_state: '' }],
  ])(
    'a heartbeat carrying %s is a full one even with uptime 0 and error rate 0',
    async (_label, fields) => {
      await unit.sut.heartbeat({ workspace_id: WS, uptime_seconds: 0, ...fields }, undefined);
      expect(registry.heartbeat.mock.calls[0][1]).toBe(false);
    },
  );

  it('does not evaluate status or notify hooks for an unknown or removed workspace', async () => {
    registry.heartbeat.mockResolvedValue({ gate: 'open', result: undefined });
    await unit.sut.heartbeat({ workspace_id: WS, uptime_seconds: 5, current_task: 'y' }, undefined);
    expect(registry.transition).not.toHaveBeenCalled();
    expect(unit.mock(HeartbeatHooks).emit).not.toHaveBeenCalled();
    expect(unit.mock(EventEmitter).broadcastOnly.mock.calls.map((c) => c[0])).toEqual([
      'TASK_UPDATED',
      'WORKSPACE_HEARTBEAT',
    ]);
    expect(unit.mock(HeartbeatMetrics).count.mock.calls).toEqual([['unknown']]);
  });

  it('counts an accepted heartbeat once', async () => {
    await unit.sut.heartbeat({ workspace_id: WS, uptime_seconds: 5 }, 'Bearer t');
    expect(unit.mock(HeartbeatMetrics).count.mock.calls).toEqual([['accepted']]);
  });

  it.each([
    ['missing', 'missing workspace auth token'],
    ['invalid', 'invalid workspace auth token'],
  ] as const)('a %s bearer is a 401 and no event goes out', async (gate, error) => {
    registry.heartbeat.mockResolvedValue({ gate, result: undefined });
    expect(await apiFailure(unit.sut.heartbeat({ workspace_id: WS }, undefined))).toEqual([
      401,
      { error },
    ]);
    expect(unit.mock(EventEmitter).broadcastOnly).not.toHaveBeenCalled();
    expect(unit.mock(HeartbeatMetrics).count.mock.calls).toEqual([['unauthorized']]);
  });

  it('fails closed with 500 failed to update when the statement fails (nothing written)', async () => {
    registry.heartbeat.mockRejectedValue(new Error('boom'));
    expect(await apiFailure(unit.sut.heartbeat({ workspace_id: WS }, undefined))).toEqual([
      500,
      { error: 'failed to update' },
    ]);
    expect(unit.mock(HeartbeatMetrics).count.mock.calls).toEqual([['error']]);
  });
});
