import { MockProxy } from 'jest-mock-extended';
import { FakeClock } from '../../../test/support/fake-clock';
import { createUnit, quietLogs } from '../../../test/support/unit';
import { Clock } from '../../common/clock/clock';
import { BackgroundLoops } from '../../common/loops/background-loops';
import { LockKeys } from '../../common/loops/lock-keys';
import { AppConfig } from '../../config/app-config';
import { EventEmitter } from '../../events/event-emitter.port';
import { ProvisionTimeoutPolicy } from './provision-timeout-policy';
import { ProvisionTimeoutRepository, ProvisioningRow } from './provision-timeout.repository';
import { PROVISION_TIMEOUT_MESSAGE, ProvisionTimeoutSweep } from './provision-timeout-sweep';

const NOW = new Date('2026-05-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

describe('ProvisionTimeoutSweep', () => {
  quietLogs();

  let sweep: ProvisionTimeoutSweep;
  let repo: MockProxy<ProvisionTimeoutRepository>;
  let events: MockProxy<EventEmitter>;
  let loops: MockProxy<BackgroundLoops>;

  beforeEach(async () => {
    const unit = await createUnit(ProvisionTimeoutSweep, [
      { provide: AppConfig, useValue: { provisionTimeoutSweepIntervalMs: 30_000 } as AppConfig },
      { provide: Clock, useValue: new FakeClock(NOW) },
    ]);
    sweep = unit.sut;
    repo = unit.mock(ProvisionTimeoutRepository);
    events = unit.mock(EventEmitter);
    loops = unit.mock(BackgroundLoops);
    unit
      .mock(ProvisionTimeoutPolicy)
      .timeoutSeconds.mockImplementation((rt) => (rt === 'hermes' ? 1800 : 600));
    repo.markTimedOut.mockResolvedValue(true);
    events.recordAndBroadcast.mockResolvedValue(undefined);
  });

  const rows = (...r: ProvisioningRow[]) => repo.provisioning.mockResolvedValue(r);

  it('runs as a locked loop on the configured interval, first pass one interval after start', () => {
    sweep.onApplicationBootstrap();
    expect(loops.start).toHaveBeenCalledWith(
      expect.objectContaining({
        name: 'provision-timeout-sweep',
        intervalMs: 30_000,
        lockKey: LockKeys.provisionTimeoutSweep,
      }),
    );
    expect(loops.start.mock.calls[0][0].startup).toBeUndefined();
  });

  it('fails an overdue workspace with one WORKSPACE_PROVISION_FAILED carrying the spec’s payload', async () => {
    rows({ id: A, runtime: 'langgraph', updated_at: minutesAgo(11) });

    expect(await sweep.sweep()).toEqual({ timedOut: 1 });

    expect(repo.markTimedOut).toHaveBeenCalledWith(A, minutesAgo(10), PROVISION_TIMEOUT_MESSAGE);
    expect(events.recordAndBroadcast.mock.calls).toEqual([
      [
        'WORKSPACE_PROVISION_FAILED',
        A,
        {
          error: PROVISION_TIMEOUT_MESSAGE,
          timeout_secs: 600,
          runtime: 'langgraph',
          source: 'provision_timeout_sweep',
        },
      ],
    ]);
  });

  it('says in its message that provisioning timed out', () => {
    expect(PROVISION_TIMEOUT_MESSAGE).toBe(
      'provisioning timed out — container started but never called /registry/register. Check container logs and network connectivity to the platform.',
    );
  });

  it('gives hermes its 30 minutes', async () => {
    rows({ id: A, runtime: 'hermes', updated_at: minutesAgo(11) });
    expect(await sweep.sweep()).toBeUndefined();
    expect(repo.markTimedOut).not.toHaveBeenCalled();
  });

  it('fails hermes past 30 minutes, with its runtime in the payload', async () => {
    rows({ id: A, runtime: 'hermes', updated_at: minutesAgo(31) });
    expect(await sweep.sweep()).toEqual({ timedOut: 1 });
    expect(events.recordAndBroadcast).toHaveBeenCalledWith(
      'WORKSPACE_PROVISION_FAILED',
      A,
      expect.objectContaining({ runtime: 'hermes', timeout_secs: 1800 }),
    );
  });

  it('fails a workspace at exactly its timeout, not a millisecond before', async () => {
    rows(
      { id: A, runtime: 'langgraph', updated_at: minutesAgo(10) },
      { id: B, runtime: 'langgraph', updated_at: new Date(minutesAgo(10).getTime() + 1) },
    );
    expect(await sweep.sweep()).toEqual({ timedOut: 1 });
    expect(repo.markTimedOut.mock.calls.map((c) => c[0])).toEqual([A]);
  });

  it('reports a workspace without a runtime as runtime ""', async () => {
    rows({ id: A, runtime: '', updated_at: minutesAgo(60) });
    await sweep.sweep();
    expect(events.recordAndBroadcast).toHaveBeenCalledWith(
      'WORKSPACE_PROVISION_FAILED',
      A,
      expect.objectContaining({ runtime: '' }),
    );
  });

  it('is race-safe: a row that moved on meanwhile gets no event', async () => {
    rows({ id: A, runtime: 'langgraph', updated_at: minutesAgo(11) });
    repo.markTimedOut.mockResolvedValue(false);
    expect(await sweep.sweep()).toBeUndefined();
    expect(events.recordAndBroadcast).not.toHaveBeenCalled();
  });

  it('does nothing when nothing is overdue', async () => {
    rows({ id: A, runtime: 'langgraph', updated_at: minutesAgo(2) });
    expect(await sweep.sweep()).toBeUndefined();
    expect(repo.markTimedOut).not.toHaveBeenCalled();
    expect(events.recordAndBroadcast).not.toHaveBeenCalled();
  });

  it('fails every overdue workspace, one event each', async () => {
    rows(
      { id: A, runtime: 'langgraph', updated_at: minutesAgo(20) },
      { id: B, runtime: 'crewai', updated_at: minutesAgo(15) },
    );
    expect(await sweep.sweep()).toEqual({ timedOut: 2 });
    expect(events.recordAndBroadcast.mock.calls.map((c) => c[1])).toEqual([A, B]);
  });

  it('survives a failed broadcast', async () => {
    rows(
      { id: A, runtime: 'langgraph', updated_at: minutesAgo(20) },
      { id: B, runtime: 'langgraph', updated_at: minutesAgo(20) },
    );
    events.recordAndBroadcast.mockRejectedValueOnce(new Error('bus down'));
    expect(await sweep.sweep()).toEqual({ timedOut: 2 });
  });

  it('a failed status write skips that workspace and goes on', async () => {
    rows(
      { id: A, runtime: 'langgraph', updated_at: minutesAgo(20) },
      { id: B, runtime: 'langgraph', updated_at: minutesAgo(20) },
    );
    repo.markTimedOut.mockRejectedValueOnce(new Error('db down'));
    expect(await sweep.sweep()).toEqual({ timedOut: 1 });
    expect(events.recordAndBroadcast.mock.calls.map((c) => c[1])).toEqual([B]);
  });
});
