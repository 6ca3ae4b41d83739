import { HealthReport, statusTransition } from './status-rules';

const healthy: HealthReport = { errorRate: 0, sampleError: '', runtimeState: '', partial: false };
const report = (r: Partial<HealthReport>): HealthReport => ({ ...healthy, ...r });

describe('statusTransition', () => {
  it('degrades at exactly 0.5 and not below', () => {
    expect(statusTransition('online', report({ errorRate: 0.5, sampleError: 'x' }), false)).toEqual(
      {
        from: 'online',
        to: 'degraded',
        event: 'WORKSPACE_DEGRADED',
        payload: { error_rate: 0.5, sample_error: 'x' },
      },
    );
    expect(statusTransition('online', report({ errorRate: 0.4999 }), false)).toBeUndefined();
  });

  it('recovers below 0.1 only with a clean runtime state', () => {
    expect(statusTransition('degraded', report({ errorRate: 0.05 }), false)?.to).toBe('online');
    expect(statusTransition('degraded', report({ errorRate: 0.1 }), false)).toBeUndefined();
    expect(statusTransition('degraded', report({ runtimeState: 'wedged' }), false)).toBeUndefined();
    expect(
      statusTransition('degraded', report({ runtimeState: 'anything' }), false),
    ).toBeUndefined();
  });

  it('prefers the wedge report and emits a single transition for it', () => {
    expect(
      statusTransition(
        'online',
        report({ runtimeState: 'wedged', errorRate: 0.9, sampleError: 's' }),
        false,
      ),
    ).toEqual({
      from: 'online',
      to: 'degraded',
      event: 'WORKSPACE_DEGRADED',
      payload: { runtime_state: 'wedged', sample_error: 's' },
    });
  });

  it('native status management turns off inference but not the wedge report', () => {
    expect(statusTransition('online', report({ errorRate: 0.8 }), true)).toBeUndefined();
    expect(statusTransition('degraded', report({ errorRate: 0.05 }), true)).toBeUndefined();
    expect(statusTransition('online', report({ runtimeState: 'wedged' }), true)?.to).toBe(
      'degraded',
    );
  });

  it('partial (task-push) heartbeats do not infer health', () => {
    expect(
      statusTransition('online', report({ errorRate: 0.9, partial: true }), false),
    ).toBeUndefined();
    expect(statusTransition('degraded', report({ partial: true }), false)).toBeUndefined();
  });

  it('brings offline and provisioning workspaces online regardless of error rate', () => {
    expect(statusTransition('offline', report({ errorRate: 0.9 }), false)).toEqual({
      from: 'offline',
      to: 'online',
      event: 'WORKSPACE_ONLINE',
      payload: {},
    });
    expect(statusTransition('provisioning', report({ partial: true }), true)?.payload).toEqual({
      recovered_from: 'provisioning',
    });
  });

  it.each([
    'failed',
    'paused',
    'hibernated',
    'hibernating',
    'removed',
    'awaiting_agent',
    null,
  ] as const)('never changes %p', (status) => {
    expect(
      statusTransition(status, report({ errorRate: 0.9, runtimeState: 'wedged' }), false),
    ).toBeUndefined();
    expect(statusTransition(status, healthy, false)).toBeUndefined();
  });
});
