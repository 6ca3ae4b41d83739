import { Clock } from '../../common/clock/clock';
import { AppConfig } from '../../config/app-config';
import { FakeClock } from '../../../test/support/fake-clock';
import { createUnit } from '../../../test/support/unit';
import { ClaimDecision, decideOrphan, DueRow, OrphanedFire } from './claim-decision';
import { CLAIM_BATCH, CronLoop, MAX_CONCURRENT_FIRES } from './cron-loop';
import { DueSchedulesRepository } from './due-schedules.repository';
import { FireMetrics } from './fire-metrics';
import { ScheduleFirer } from './schedule-firer';

const row = (i: number, nativeScheduler = false): DueRow => ({
  id: `s-${i}`,
  workspaceId: `ws-${i % 3}`,
  name: `n${i}`,
  cronExpr: '* * * * *',
  timezone: 'UTC',
  prompt: 'p',
  dueAt: new Date('2026-04-01T11:59:57Z'),
  deferredSince: null,
  activeTasks: 0,
  maxConcurrentTasks: 1,
  nativeScheduler,
});

describe('CronLoop.tick', () => {
  async function unit(due: DueRow[], orphaned: OrphanedFire[] = []) {
    const u = await createUnit(CronLoop, [
      { provide: Clock, useValue: new FakeClock(new Date('2026-04-01T12:00:00Z')) },
      {
        provide: AppConfig,
        useValue: { schedulerPollIntervalMs: 30_000, deliveryLeaseMs: 30_000 },
      },
    ]);
    const repo = u.mock(DueSchedulesRepository);
    const remaining = [...due];
    const orphans = [...orphaned];
    repo.claim.mockImplementation(async (_now, _lease, limit, decide) => {
      const adopted = orphans.splice(0, limit).map(decideOrphan);
      return {
        orphans: adopted,
        due: remaining.splice(0, limit - adopted.length).map((r): ClaimDecision => decide(r)),
      };
    });
    return {
      loop: u.sut,
      repo,
      firer: u.mock(ScheduleFirer),
      metrics: u.mock(FireMetrics),
    };
  }

  it('keeps claiming batches while rows are due and never holds more fires than slots', async () => {
    const { loop, repo, firer } = await unit(Array.from({ length: 200 }, (_, i) => row(i)));
    let inFlight = 0;
    let peak = 0;
    firer.fire.mockImplementation(async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return 'ok';
    });
    const summary = await loop.tick();
    await loop.whenIdle();
    expect(summary).toMatchObject({ claimed: 200, fired: 200 });
    expect(firer.fire).toHaveBeenCalledTimes(200);
    expect(peak).toBeLessThanOrEqual(MAX_CONCURRENT_FIRES);
    for (const [, , limit] of repo.claim.mock.calls) expect(limit).toBeLessThanOrEqual(CLAIM_BATCH);
    // Each tick line reports the fires that ended since the previous one: all 200, once.
    const next = await loop.tick();
    expect((summary.finished.ok ?? 0) + (next.finished.ok ?? 0)).toBe(200);
  });

  it('counts each recorded run by status and how late each fire was claimed', async () => {
    const { loop, firer, metrics } = await unit([row(1), row(2)]);
    firer.fire.mockResolvedValueOnce('ok').mockResolvedValueOnce('queued');
    await loop.tick();
    await loop.whenIdle();
    expect(metrics.recorded.mock.calls).toEqual([['ok'], ['queued']]);
    // Due at 11:59:57, claimed at 12:00:00.
    expect(metrics.claimedLate.mock.calls).toEqual([[3], [3]]);
  });

  it('does not fire schedules of workspaces whose runtime schedules natively', async () => {
    const { loop, firer } = await unit([row(1, true), row(2)]);
    firer.fire.mockResolvedValue('ok');
    const summary = await loop.tick();
    expect(summary).toMatchObject({ claimed: 2, fired: 1, nativeSkipped: 1 });
    expect(firer.fire).toHaveBeenCalledWith(
      { ...row(2), messageId: expect.stringMatching(/^cron-s-2-/) },
      expect.any(String),
    );
  });

  it('takes over fires of dead replicas: sends the unsent one, records the sent one', async () => {
    const orphan = (i: number, sent: boolean): OrphanedFire => ({
      ...row(i),
      messageId: `cron-s-${i}-00000000`,
      sent,
      wanted: true,
    });
    const { loop, firer } = await unit([row(3)], [orphan(1, false), orphan(2, true)]);
    firer.fire.mockResolvedValue('ok');
    firer.interrupted.mockResolvedValue('error');
    const summary = await loop.tick();
    await loop.whenIdle();
    expect(summary).toMatchObject({ resumed: 1, interrupted: 1, fired: 1 });
    expect(firer.fire.mock.calls.map(([order]) => order.messageId)).toEqual([
      'cron-s-1-00000000',
      expect.stringMatching(/^cron-s-3-/),
    ]);
    expect(firer.interrupted).toHaveBeenCalledWith(orphan(2, true), loop.owner);
  });

  it('records a skip for a workspace at capacity past the wait', async () => {
    const busy = { ...row(1), activeTasks: 1, deferredSince: new Date('2026-04-01T11:50:00Z') };
    const { loop, firer } = await unit([busy]);
    firer.skip.mockResolvedValue('skipped');
    expect(await loop.tick()).toMatchObject({ skipped: 1, fired: 0 });
    expect(firer.skip).toHaveBeenCalledWith(busy, 1);
  });

  it('stops claiming once shutdown begins', async () => {
    const { loop, repo } = await unit([row(1)]);
    await loop.beforeApplicationShutdown();
    expect(await loop.tick()).toMatchObject({ claimed: 0 });
    expect(repo.claim).not.toHaveBeenCalled();
  });
});
