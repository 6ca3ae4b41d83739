import { A2AProxyService } from '../../a2a/proxy/a2a-proxy.service';
import { messageIdOf } from '../../a2a/proxy/envelope';
import { jsonResult } from '../../a2a/proxy/proxy-result';
import { Clock } from '../../common/clock/clock';
import { LogContext } from '../../common/observability/log-context';
import { EventEmitter } from '../../events/event-emitter.port';
import { FakeClock } from '../../../test/support/fake-clock';
import { createUnit, PASS_THROUGH_LOG_CONTEXT, quietLogs } from '../../../test/support/unit';
import { DueSchedulesRepository } from './due-schedules.repository';
import { cronMessageId } from './claim-decision';
import {
  cronMessage,
  FIRE_TIMEOUT_MS,
  INTERRUPTED_FIRE_ERROR,
  ScheduleFirer,
} from './schedule-firer';

const OWNER = 'replica-1';
const schedule = {
  id: 'abcdef12-3456-4789-8abc-def012345678',
  workspaceId: 'ws-1',
  name: 'n',
  cronExpr: '*/5 * * * *',
  timezone: 'UTC',
  prompt: 'go',
  messageId: 'cron-abcdef12-0a1b2c3d',
};
const reply = (text: string) =>
  jsonResult(200, { result: { parts: [{ kind: 'text', text }] } }, 'delivered');

describe('ScheduleFirer', () => {
  quietLogs();
  const clock = new FakeClock(new Date('2026-04-01T12:01:00Z'));
  async function unit() {
    const u = await createUnit(ScheduleFirer, [
      { provide: Clock, useValue: clock },
      PASS_THROUGH_LOG_CONTEXT,
    ]);
    const events = u.mock(EventEmitter);
    events.recordAndBroadcast.mockResolvedValue(undefined);
    const runs = u.mock(DueSchedulesRepository);
    runs.markSent.mockResolvedValue(true);
    return { firer: u.sut, proxy: u.mock(A2AProxyService), runs, events };
  }

  it('marks the fire sent, then sends the cron message as the canvas would, bounded by the fire timeout', async () => {
    const { firer, proxy, runs } = await unit();
    proxy.proxy.mockResolvedValue(reply('done'));
    expect(await firer.fire(schedule, OWNER)).toBe('ok');
    expect(runs.markSent).toHaveBeenCalledWith(schedule.id, OWNER, schedule.messageId, clock.now());
    expect(runs.markSent.mock.invocationCallOrder[0]).toBeLessThan(
      proxy.proxy.mock.invocationCallOrder[0],
    );
    expect(proxy.proxy).toHaveBeenCalledWith({
      targetId: 'ws-1',
      callerId: '',
      body: {
        method: 'message/send',
        params: {
          message: {
            role: 'user',
            messageId: schedule.messageId,
            parts: [{ kind: 'text', text: 'go' }],
          },
        },
      },
      logFailures: true,
      timeoutMs: FIRE_TIMEOUT_MS,
      enqueueWhenBusy: true,
    });
    expect(runs.recordRun).toHaveBeenCalledWith(
      expect.objectContaining({
        status: 'ok',
        error: '',
        resetEmptyRuns: true,
        nextRunAt: new Date('2026-04-01T12:05:00Z'),
        owner: OWNER,
      }),
    );
  });

  it('runs the whole fire under its message id, so its log lines carry it', async () => {
    const logs = { run: jest.fn((_id: string | undefined, work: () => unknown) => work()) };
    const u = await createUnit(ScheduleFirer, [
      { provide: Clock, useValue: clock },
      { provide: LogContext, useValue: logs },
    ]);
    u.mock(DueSchedulesRepository).markSent.mockResolvedValue(true);
    u.mock(A2AProxyService).proxy.mockResolvedValue(reply('done'));
    u.mock(EventEmitter).recordAndBroadcast.mockResolvedValue(undefined);
    expect(await u.sut.fire(schedule, OWNER)).toBe('ok');
    const sent = u.mock(A2AProxyService).proxy.mock.calls[0][0].body;
    expect(logs.run).toHaveBeenCalledWith(messageIdOf(sent), expect.any(Function));
    expect(logs.run.mock.calls[0][0]).toBe(schedule.messageId);
  });

  it('sends nothing and records nothing once another instance took the fire over', async () => {
    const { firer, proxy, runs, events } = await unit();
    runs.markSent.mockResolvedValueOnce(false).mockRejectedValueOnce(new Error('db gone'));
    expect(await firer.fire(schedule, OWNER)).toBe('lost');
    // Not knowing whether the mark landed is the same: a second send must never happen.
    expect(await firer.fire(schedule, OWNER)).toBe('lost');
    expect(proxy.proxy).not.toHaveBeenCalled();
    expect(runs.recordRun).not.toHaveBeenCalled();
    expect(events.recordAndBroadcast).not.toHaveBeenCalled();
  });

  it('an interrupted fire is recorded as an error, and nothing is sent', async () => {
    const { firer, proxy, runs, events } = await unit();
    expect(await firer.interrupted(schedule, OWNER)).toBe('error');
    expect(proxy.proxy).not.toHaveBeenCalled();
    expect(runs.recordRun).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'error', error: INTERRUPTED_FIRE_ERROR, owner: OWNER }),
    );
    expect(events.recordAndBroadcast).toHaveBeenCalledWith('CRON_EXECUTED', 'ws-1', {
      schedule_id: schedule.id,
      schedule_name: 'n',
      status: 'error',
    });
  });

  it('a proxy that throws is a recorded error, and the slot is not lost', async () => {
    const { firer, proxy, runs, events } = await unit();
    proxy.proxy.mockRejectedValue(new Error('kaboom'));
    expect(await firer.fire(schedule, OWNER)).toBe('error');
    expect(runs.recordRun).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'error', error: 'proxy a2a error' }),
    );
    expect(events.recordAndBroadcast).toHaveBeenCalledWith('CRON_EXECUTED', 'ws-1', {
      schedule_id: schedule.id,
      schedule_name: 'n',
      status: 'error',
    });
  });

  it('an empty reply counts; the third in a row is stale; a failed count keeps it ok', async () => {
    const { firer, proxy, runs } = await unit();
    proxy.proxy.mockResolvedValue(reply(''));
    runs.countEmptyRun.mockResolvedValueOnce(3).mockRejectedValueOnce(new Error('db'));
    expect(await firer.fire(schedule, OWNER)).toBe('stale');
    expect(await firer.fire(schedule, OWNER)).toBe('ok');
    expect(runs.recordRun.mock.calls.map(([r]) => [r.status, r.resetEmptyRuns])).toEqual([
      ['stale', false],
      ['ok', false],
    ]);
  });

  it('a failed bookkeeping write is logged, never thrown', async () => {
    const { firer, proxy, runs } = await unit();
    proxy.proxy.mockResolvedValue(reply('x'));
    runs.recordRun.mockRejectedValue(new Error('db down'));
    await expect(firer.fire(schedule, OWNER)).resolves.toBe('ok');
  });

  it('message ids are distinct per claim and safe for short ids', () => {
    expect(cronMessageId('ab')).toMatch(/^cron-ab-[0-9a-f]{8}$/);
    expect(cronMessageId('ab')).not.toBe(cronMessageId('ab'));
    const message = cronMessage('cron-ab-12345678', 'x') as {
      params: { message: { messageId: string } };
    };
    expect(message.params.message.messageId).toBe('cron-ab-12345678');
  });
});
