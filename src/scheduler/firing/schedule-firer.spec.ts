import { A2AProxyService } from '../../a2a/proxy/a2a-proxy.service';
import { messageIdOf } from '../../a2a/proxy/envelope';
import { jsonResult } from '../../a2a/proxy/proxy-result';
import { Clock } from '../../common/clock/clock';
import { LogContext } from '../../common/observability/log-context';
import { EventEmitter } from '../../events/event-emitter.port';
import { FakeClock } from '../../../test/support/fake-clock';
import { createUnit, PASS_THROUGH_LOG_CONTEXT, quietLogs } from '../../../test/support/unit';
import { DueSchedulesRepository } from './due-schedules.repository';
import { cronMessage, FIRE_TIMEOUT_MS, ScheduleFirer } from './schedule-firer';

const schedule = {
  id: 'abcdef12-3456-4789-8abc-def012345678',
  workspaceId: 'ws-1',
  name: 'n',
  cronExpr: '*/5 * * * *',
  timezone: 'UTC',
  prompt: 'go',
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
    return {
      firer: u.sut,
      proxy: u.mock(A2AProxyService),
      runs: u.mock(DueSchedulesRepository),
      events,
    };
  }

  it('sends the cron message as the canvas would, bounded by the fire timeout', async () => {
    const { firer, proxy, runs } = await unit();
    proxy.proxy.mockResolvedValue(reply('done'));
    expect(await firer.fire(schedule)).toBe('ok');
    expect(proxy.proxy).toHaveBeenCalledWith({
      targetId: 'ws-1',
      callerId: '',
      body: {
        method: 'message/send',
        params: {
          message: {
            role: 'user',
            messageId: expect.stringMatching(/^cron-abcdef12-[0-9a-f]{8}$/),
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
      }),
    );
  });

  it('runs the whole fire under its message id, so its log lines carry it', async () => {
    const logs = { run: jest.fn((_id: string | undefined, work: () => unknown) => work()) };
    const u = await createUnit(ScheduleFirer, [
      { provide: Clock, useValue: clock },
      { provide: LogContext, useValue: logs },
    ]);
    u.mock(A2AProxyService).proxy.mockResolvedValue(reply('done'));
    u.mock(EventEmitter).recordAndBroadcast.mockResolvedValue(undefined);
    expect(await u.sut.fire(schedule)).toBe('ok');
    const sent = u.mock(A2AProxyService).proxy.mock.calls[0][0].body;
    expect(logs.run).toHaveBeenCalledWith(messageIdOf(sent), expect.any(Function));
    expect(logs.run.mock.calls[0][0]).toMatch(/^cron-abcdef12-/);
  });

  it('a proxy that throws is a recorded error, and the slot is not lost', async () => {
    const { firer, proxy, runs, events } = await unit();
    proxy.proxy.mockRejectedValue(new Error('kaboom'));
    expect(await firer.fire(schedule)).toBe('error');
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
    expect(await firer.fire(schedule)).toBe('stale');
    expect(await firer.fire(schedule)).toBe('ok');
    expect(runs.recordRun.mock.calls.map(([r]) => [r.status, r.resetEmptyRuns])).toEqual([
      ['stale', false],
      ['ok', false],
    ]);
  });

  it('a failed bookkeeping write is logged, never thrown', async () => {
    const { firer, proxy, runs } = await unit();
    proxy.proxy.mockResolvedValue(reply('x'));
    runs.recordRun.mockRejectedValue(new Error('db down'));
    await expect(firer.fire(schedule)).resolves.toBe('ok');
  });

  it('message ids are distinct per fire and safe for short ids', () => {
    const a = cronMessage('ab', 'x') as { params: { message: { messageId: string } } };
    const b = cronMessage('ab', 'x') as { params: { message: { messageId: string } } };
    expect(a.params.message.messageId).toMatch(/^cron-ab-[0-9a-f]{8}$/);
    expect(a.params.message.messageId).not.toBe(b.params.message.messageId);
  });
});
