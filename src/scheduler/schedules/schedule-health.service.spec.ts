import { WorkspaceTokens } from '../../common/auth/workspace-tokens.service';
import { Clock } from '../../common/clock/clock';
import { FakeClock } from '../../../test/support/fake-clock';
import { apiFailure, createUnit, quietLogs } from '../../../test/support/unit';
import { WorkspaceAccess } from '../../registry/access/workspace-access';
import { ScheduleHealthService } from './schedule-health.service';
import { SchedulesRepository } from './schedules.repository';

const TARGET = '11111111-1111-4111-8111-111111111111';
const PEER = '33333333-3333-4333-8333-333333333333';

describe('ScheduleHealthService', () => {
  quietLogs();
  async function unit() {
    const u = await createUnit(ScheduleHealthService, [
      { provide: Clock, useValue: new FakeClock() },
    ]);
    return {
      service: u.sut,
      repo: u.mock(SchedulesRepository),
      tokens: u.mock(WorkspaceTokens),
      access: u.mock(WorkspaceAccess),
    };
  }

  it('a datastore error during the caller token check denies (503), never allows', async () => {
    const { service, tokens, repo } = await unit();
    tokens.gate.mockRejectedValue(new Error('db down'));
    expect(await apiFailure(service.peerHealth(TARGET, PEER, 'tok'))).toEqual([
      503,
      { error: 'platform datastore unavailable — retry shortly', code: 'platform_unavailable' },
    ]);
    expect(repo.peerHealth).not.toHaveBeenCalled();
  });

  it('a self call needs neither token nor hierarchy', async () => {
    const { service, tokens, access, repo } = await unit();
    repo.peerHealth.mockResolvedValue([]);
    await service.peerHealth(TARGET, TARGET.toUpperCase(), '');
    expect(tokens.gate).not.toHaveBeenCalled();
    expect(access.canCommunicate).not.toHaveBeenCalled();
  });

  it('query errors are 500 failed to query schedules, on both views', async () => {
    const { service, tokens, access, repo } = await unit();
    tokens.gate.mockResolvedValue('open');
    access.canCommunicate.mockResolvedValue(true);
    repo.peerHealth.mockRejectedValue(new Error('boom'));
    repo.adminHealth.mockRejectedValue(new Error('boom'));
    expect(await apiFailure(service.peerHealth(TARGET, PEER, ''))).toEqual([
      500,
      { error: 'failed to query schedules' },
    ]);
    expect(await apiFailure(service.adminHealth())).toEqual([
      500,
      { error: 'failed to query schedules' },
    ]);
  });
});
