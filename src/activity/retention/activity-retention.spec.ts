import { mock, MockProxy } from 'jest-mock-extended';
import { BackgroundLoops, LoopDefinition } from '../../common/loops/background-loops';
import { LockKeys } from '../../common/loops/lock-keys';
import { AppConfig } from '../../config/app-config';
import { ActivityRepository } from '../activity.repository';
import { ActivityRetention } from './activity-retention';

describe('ActivityRetention', () => {
  let repo: MockProxy<ActivityRepository>;
  let loops: MockProxy<BackgroundLoops>;
  let retention: ActivityRetention;

  beforeEach(() => {
    repo = mock<ActivityRepository>();
    loops = mock<BackgroundLoops>();
    const config = { activityRetentionDays: 7, activityCleanupIntervalMs: 21_600_000 } as AppConfig;
    retention = new ActivityRetention(config, repo, loops);
  });

  it('runs as a locked loop every cleanup interval', () => {
    retention.onApplicationBootstrap();
    expect(loops.start).toHaveBeenCalledWith(
      expect.objectContaining({
        name: 'activity-retention',
        intervalMs: 21_600_000,
        lockKey: LockKeys.activityRetention,
      }),
    );
  });

  it('a pass deletes rows older than the retention window', async () => {
    repo.purgeOlderThan.mockResolvedValue(3);
    expect(await retention.purge()).toBe(3);
    expect(repo.purgeOlderThan).toHaveBeenCalledWith(7);
  });

  it('the tick reports the count only when something was purged', async () => {
    retention.onApplicationBootstrap();
    const loop = loops.start.mock.calls[0][0] as LoopDefinition;
    repo.purgeOlderThan.mockResolvedValueOnce(4).mockResolvedValueOnce(0);
    expect(await loop.tick()).toEqual({ purged: 4 });
    expect(await loop.tick()).toBeUndefined();
  });
});
