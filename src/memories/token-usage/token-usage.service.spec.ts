import { MockProxy } from 'jest-mock-extended';
import { Clock } from '../../common/clock/clock';
import { TokenUsageReports } from '../../common/hooks/token-usage-reports';
import { BackgroundWork } from '../../common/shutdown/background-work';
import { FakeClock } from '../../../test/support/fake-clock';
import { apiFailure, createUnit, quietLogs } from '../../../test/support/unit';
import { TokenUsageRepository } from './token-usage.repository';
import { TokenUsageService } from './token-usage.service';

const WS = '7f0c9a52-8f0e-4d8a-9d35-6c1e7e0f4a21';

describe('TokenUsageService', () => {
  quietLogs();
  const clock = new FakeClock(new Date('2026-03-01T23:59:59.999Z'));
  let service: TokenUsageService;
  let repo: MockProxy<TokenUsageRepository>;
  let work: MockProxy<BackgroundWork>;
  const reports = new TokenUsageReports();

  beforeEach(async () => {
    const unit = await createUnit(TokenUsageService, [
      { provide: Clock, useValue: clock },
      { provide: TokenUsageReports, useValue: reports },
    ]);
    service = unit.sut;
    repo = unit.mock(TokenUsageRepository);
    work = unit.mock(BackgroundWork);
  });

  it('records each report on its UTC day', async () => {
    await service.record({ workspaceId: WS, inputTokens: 3, outputTokens: 4 });
    expect(repo.add).toHaveBeenCalledWith(WS, new Date('2026-03-01T00:00:00.000Z'), 3, 4);
  });

  it('subscribes to the proxy’s reports on init; shutdown waits for the write', async () => {
    service.onModuleInit();
    reports.emit({ workspaceId: WS, inputTokens: 1, outputTokens: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(repo.add).toHaveBeenCalledWith(WS, expect.any(Date), 1, 0);
    expect(work.track).toHaveBeenCalledTimes(1);
  });

  it('metrics: today’s row, zeros without one, 404 without a workspace, 500 on failure', async () => {
    repo.day.mockResolvedValue({
      input_tokens: 10,
      output_tokens: 20,
      call_count: 2,
      estimated_cost_usd: '0.000330',
    });
    expect(await service.metrics(WS)).toEqual({
      input_tokens: 10,
      output_tokens: 20,
      total_calls: 2,
      estimated_cost_usd: '0.000330',
      period_start: '2026-03-01T00:00:00.000Z',
      period_end: '2026-03-02T00:00:00.000Z',
    });
    repo.day.mockResolvedValue({
      input_tokens: null,
      output_tokens: null,
      call_count: null,
      estimated_cost_usd: null,
    });
    expect(await service.metrics(WS)).toMatchObject({
      total_calls: 0,
      estimated_cost_usd: '0.000000',
    });
    repo.day.mockResolvedValue(undefined);
    expect(await apiFailure(service.metrics(WS))).toEqual([404, { error: 'workspace not found' }]);
    repo.day.mockRejectedValue(new Error('boom'));
    expect(await apiFailure(service.metrics(WS))).toEqual([500, { error: 'query failed' }]);
  });
});
