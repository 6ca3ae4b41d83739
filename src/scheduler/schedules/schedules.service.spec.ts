import { Clock } from '../../common/clock/clock';
import { FakeClock } from '../../../test/support/fake-clock';
import { apiFailure, createUnit, quietLogs } from '../../../test/support/unit';
import { SchedulesRepository } from './schedules.repository';
import { SchedulesService } from './schedules.service';

const WS = '11111111-1111-4111-8111-111111111111';
const SID = '22222222-2222-4222-8222-222222222222';
const dbDown = () => Promise.reject(new Error('connection terminated'));

describe('SchedulesService', () => {
  quietLogs();
  const clock = new FakeClock(new Date('2026-04-01T12:30:00Z'));
  async function unit() {
    const u = await createUnit(SchedulesService, [{ provide: Clock, useValue: clock }]);
    return { service: u.sut, repo: u.mock(SchedulesRepository) };
  }

  it.each([
    ['list', (s: SchedulesService) => s.list(WS), 'list', 'failed to query schedules'],
    [
      'create',
      (s: SchedulesService) => s.create(WS, { cron_expr: '* * * * *', prompt: 'x' }),
      'insert',
      'failed to create schedule',
    ],
    [
      'update',
      (s: SchedulesService) => s.update(WS, SID, {}),
      'update',
      'failed to update schedule',
    ],
    ['delete', (s: SchedulesService) => s.remove(WS, SID), 'delete', 'failed to delete schedule'],
    ['run-now', (s: SchedulesService) => s.runNow(WS, SID), 'prompt', 'failed to read schedule'],
    ['history', (s: SchedulesService) => s.history(WS, SID), 'history', 'failed to query history'],
  ] as const)(
    '%s: a datastore error is a 500 with the contract message',
    async (_, call, method, message) => {
      const { service, repo } = await unit();
      (repo[method] as jest.Mock).mockImplementation(dbDown);
      expect(await apiFailure(call(service))).toEqual([500, { error: message }]);
    },
  );

  it('a PATCH validates the merged timing inside the locked read and writes the new next run', async () => {
    const { service, repo } = await unit();
    let written: unknown;
    repo.update.mockImplementation(async (_id, _ws, change) => {
      written = change({ cron_expr: '0 * * * *', timezone: 'Asia/Tokyo', enabled: true });
      return true;
    });
    await service.update(WS, SID.toUpperCase(), { cron_expr: '30 * * * *' });
    expect(repo.update).toHaveBeenCalledWith(SID, WS, expect.any(Function));
    expect(written).toEqual({
      name: undefined,
      cronExpr: '30 * * * *',
      timezone: undefined,
      prompt: undefined,
      enabled: undefined,
      nextRunAt: new Date('2026-04-01T13:30:00Z'),
    });
  });

  it('a PATCH of a stored zone that fails is the contract 400, not a 500', async () => {
    const { service, repo } = await unit();
    repo.update.mockImplementation(async (_id, _ws, change) => {
      change({ cron_expr: '0 * * * *', timezone: 'UTC', enabled: false });
      return true;
    });
    expect(await apiFailure(service.update(WS, SID, { timezone: 'Mars/Base' }))).toEqual([
      400,
      { error: 'invalid timezone: Mars/Base' },
    ]);
  });
});
