import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { mock } from 'jest-mock-extended';
import type { PoolClient } from 'pg';
import { FakeClock } from '../../../test/support/fake-clock';
import { Database } from '../../database/database.service';
import { MAX_TIMER_DELAY_MS } from '../clock/clock';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { ShutdownSignal } from '../shutdown/shutdown-signal';
import { BackgroundLoops, LoopDefinition, LoopPass } from './background-loops';
import { LoopLiveness } from './loop-liveness';
import { loadConfig } from '../../config/load-config';

function setup() {
  const clock = new FakeClock(new Date(0));
  const db = mock<Database>({ statementTimeoutMs: 5_000 });
  const liveness = mock<LoopLiveness>();
  const metrics = new MetricsRegistry();
  // Passes get 10 s on a shutdown without a deadline.
  const shutdown = new ShutdownSignal(loadConfig({ SHUTDOWN_GRACE_SECONDS: '10' }).config);
  const loops = new BackgroundLoops(
    new SchedulerRegistry(),
    db,
    clock,
    liveness,
    metrics,
    shutdown,
  );
  return { clock, db, liveness, metrics, loops, shutdown };
}

/** A pooled connection whose `pg_try_advisory_lock` answers `locked`. */
function lockClient(locked: boolean, unlock: () => Promise<unknown> = async () => ({})) {
  const client = mock<PoolClient>();
  const statements: string[] = [];
  client.query.mockImplementation((async (statement: { text: string; query_timeout: number }) => {
    const { text } = statement;
    // Each lock statement is bounded like any other.
    expect(statement.query_timeout).toBe(5_000);
    statements.push(text);
    if (text.includes('pg_try_advisory_lock')) return { rows: [{ locked }] };
    return unlock();
  }) as never);
  return { client, statements };
}

/** A promise the test resolves when it wants. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

async function passCount(metrics: MetricsRegistry, loop: string, outcome: string) {
  const text = await metrics.registry.metrics();
  const line = text
    .split('\n')
    .find((l) =>
      l.startsWith(`molecule_background_passes_total{loop="${loop}",outcome="${outcome}"}`),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('BackgroundLoops', () => {
  let logged: { level: string; args: unknown[] }[];

  beforeEach(() => {
    logged = [];
    for (const level of ['log', 'debug', 'error'] as const) {
      jest
        .spyOn(Logger.prototype, level)
        .mockImplementation((...args: unknown[]) => void logged.push({ level, args }));
    }
  });
  afterEach(() => jest.restoreAllMocks());

  describe('start', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('runs a pass each interval', async () => {
      const tick = jest.fn().mockResolvedValue(undefined);
      setup().loops.start({ name: 'every-minute', intervalMs: 60_000, tick });
      await jest.advanceTimersByTimeAsync(59_999);
      expect(tick).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(1);
      expect(tick).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(tick).toHaveBeenCalledTimes(2);
    });

    it('caps an interval too long for a Node timer instead of spinning every millisecond', async () => {
      const tick = jest.fn().mockResolvedValue(undefined);
      const thousandHours = 1000 * 3_600_000;
      setup().loops.start({ name: 'rare', intervalMs: thousandHours, tick });
      await jest.advanceTimersByTimeAsync(1_000);
      expect(tick).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(MAX_TIMER_DELAY_MS - 1_000);
      expect(tick).toHaveBeenCalledTimes(1);
    });
  });

  describe('tryPass (and runOnce, which ignores the outcome)', () => {
    it('reports the summary, logs one line with it, records the tick and counts the pass', async () => {
      const { loops, liveness, metrics, clock } = setup();
      const outcome = await loops.tryPass({
        name: 'sweep',
        intervalMs: 1000,
        tick: async () => ({ reaped: 2 }),
      });
      expect(outcome).toEqual({ status: 'done', summary: { reaped: 2 } });
      expect(logged).toEqual([
        {
          level: 'log',
          args: [{ reaped: 2, durationMs: expect.any(Number) }, 'pass done'],
        },
      ]);
      expect(liveness.record).toHaveBeenCalledWith('sweep', clock.now());
      expect(await passCount(metrics, 'sweep', 'done')).toBe(1);
    });

    it('runOnce runs the same pass and resolves to nothing', async () => {
      const { loops } = setup();
      const tick = jest.fn().mockResolvedValue({ n: 1 });
      expect(await loops.runOnce({ name: 'plain', intervalMs: 1000, tick })).toBeUndefined();
      expect(tick).toHaveBeenCalledTimes(1);
    });

    it('times the passes that ran, and counts the actions a sweep declares', async () => {
      const { loops, metrics } = setup();
      const loop: LoopDefinition = {
        name: 'reaper',
        intervalMs: 1000,
        actions: ['timedOut', 'reset', 'missing'],
        tick: async () => ({
          timedOut: 2,
          reset: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
          seen: 9,
        }),
      };
      await loops.tryPass(loop);
      await loops.tryPass(loop);
      const text = await metrics.registry.metrics();
      const value = (series: string) =>
        Number(
          text
            .split('\n')
            .find((l) => l.startsWith(`${series} `))
            ?.split(' ')[1],
        );
      expect(value('molecule_background_pass_duration_seconds_count{loop="reaper"}')).toBe(2);
      expect(value('molecule_sweep_actions_total{sweep="reaper",action="timed_out"}')).toBe(4);
      expect(value('molecule_sweep_actions_total{sweep="reaper",action="reset"}')).toBe(6);
      // Declared but absent: no series until the loop is started (then 0), never a count.
      expect(text).not.toContain('action="missing"');
      expect(text).not.toContain('action="seen"');
    });

    it('shows a started sweep’s actions at 0 before it acted', async () => {
      jest.useFakeTimers();
      try {
        const { loops, metrics } = setup();
        await loops.start({
          name: 'quiet',
          intervalMs: 60_000,
          actions: ['purged'],
          tick: jest.fn(),
        });
        expect(await metrics.registry.metrics()).toContain(
          'molecule_sweep_actions_total{sweep="quiet",action="purged"} 0',
        );
      } finally {
        jest.useRealTimers();
      }
    });

    it('logs an empty pass at debug level only', async () => {
      const { loops } = setup();
      expect(await loops.tryPass({ name: 'idle', intervalMs: 1000, tick: async () => {} })).toEqual(
        { status: 'done' },
      );
      expect(logged.map((l) => l.level)).toEqual(['debug']);
    });

    it('survives a failing pass: logged, counted, no tick recorded, the next pass runs', async () => {
      const { loops, liveness, metrics } = setup();
      const boom = new Error('boom');
      const tick = jest.fn().mockRejectedValueOnce(boom).mockResolvedValueOnce({ ok: 1 });
      const loop: LoopDefinition = { name: 'flaky', intervalMs: 1000, tick };

      expect(await loops.tryPass(loop)).toEqual({ status: 'failed', error: boom });
      expect(logged[0]).toEqual({
        level: 'error',
        args: [
          { err: boom, durationMs: expect.any(Number) },
          'pass failed; will retry next interval',
        ],
      });
      expect(liveness.record).not.toHaveBeenCalled();
      expect(await passCount(metrics, 'flaky', 'failed')).toBe(1);

      expect(await loops.tryPass(loop)).toEqual({ status: 'done', summary: { ok: 1 } });
    });

    it('never overlaps a pass of the same loop', async () => {
      const { loops } = setup();
      const held = gate();
      const tick = jest.fn(() => held.opened);
      const loop: LoopDefinition = { name: 'slow', intervalMs: 1000, tick };
      const first = loops.tryPass(loop);
      expect(await loops.tryPass(loop)).toEqual({ status: 'skipped', reason: 'overlap' });
      held.open();
      expect(await first).toEqual({ status: 'done' });
      expect(tick).toHaveBeenCalledTimes(1);
    });

    it('runs under the advisory lock and releases it afterwards', async () => {
      const { loops, db } = setup();
      const { client, statements } = lockClient(true);
      db.connect.mockResolvedValue(client);
      const outcome = await loops.tryPass({
        name: 'locked',
        intervalMs: 1000,
        lockKey: 42,
        tick: async () => ({ n: 1 }),
      });
      expect(outcome).toEqual({ status: 'done', summary: { n: 1 } });
      expect(statements).toEqual([
        'SELECT pg_try_advisory_lock($1) AS locked',
        'SELECT pg_advisory_unlock($1)',
      ]);
      expect(client.release).toHaveBeenCalledWith(undefined);
    });

    it('skips the pass when another replica holds the lock', async () => {
      const { loops, db, liveness, metrics } = setup();
      const { client } = lockClient(false);
      db.connect.mockResolvedValue(client);
      const tick = jest.fn();
      const outcome = await loops.tryPass({ name: 'taken', intervalMs: 1000, lockKey: 7, tick });
      expect(outcome).toEqual({ status: 'skipped', reason: 'locked' });
      expect(tick).not.toHaveBeenCalled();
      expect(liveness.record).toHaveBeenCalled();
      expect(await passCount(metrics, 'taken', 'skipped')).toBe(1);
      expect(client.release).toHaveBeenCalledWith(undefined);
    });

    it('closes a connection whose unlock failed instead of pooling a held lock', async () => {
      const { loops, db } = setup();
      const lost = new Error('connection lost');
      const { client } = lockClient(true, () => Promise.reject(lost));
      db.connect.mockResolvedValue(client);
      const outcome = await loops.tryPass({
        name: 'unlock-fails',
        intervalMs: 1000,
        lockKey: 8,
        tick: async () => ({ n: 1 }),
      });
      expect(outcome.status).toBe('done');
      expect(client.release).toHaveBeenCalledWith(lost);
    });

    it('aborts the pass signal once its deadline passes', async () => {
      const { loops, clock } = setup();
      const held = gate();
      let seen: LoopPass | undefined;
      const done = loops.tryPass({
        name: 'bounded',
        intervalMs: 1000,
        deadlineMs: 30_000,
        tick: async (pass) => {
          seen = pass;
          await held.opened;
        },
      });
      await Promise.resolve();
      clock.advance(29_999);
      expect(seen?.signal.aborted).toBe(false);
      clock.advance(1);
      expect(seen?.signal.aborted).toBe(true);
      held.open();
      await done;
    });

    it('after shutdown, aborts and awaits passes in flight and starts no new one', async () => {
      const { loops } = setup();
      let finished = false;
      const stopping = loops.tryPass({
        name: 'long',
        intervalMs: 1000,
        tick: (pass) =>
          new Promise<void>((resolve) =>
            pass?.signal.addEventListener('abort', () => {
              finished = true;
              resolve();
            }),
          ),
      });
      await Promise.resolve();
      await loops.beforeApplicationShutdown();
      expect(finished).toBe(true);
      expect(await stopping).toEqual({ status: 'done' });

      const tick = jest.fn();
      expect(await loops.tryPass({ name: 'late', intervalMs: 1000, tick })).toEqual({
        status: 'skipped',
        reason: 'stopped',
      });
      expect(tick).not.toHaveBeenCalled();
    });
  });

  describe('start-up work', () => {
    it('runs once at start, reports the loop live, and never overlaps a pass', async () => {
      const { loops, liveness, clock } = setup();
      let finishStartup = () => {};
      const startup = jest.fn(() => new Promise<void>((r) => (finishStartup = r)));
      const tick = jest.fn().mockResolvedValue(undefined);
      const loop = { name: 'repairing', intervalMs: 3_600_000, tick, startup };
      const started = loops.start(loop);
      let over = false;
      void loops.startupsDone().then(() => (over = true));

      expect(await loops.tryPass(loop)).toEqual({ status: 'skipped', reason: 'overlap' });
      expect(tick).not.toHaveBeenCalled();
      expect(liveness.record).not.toHaveBeenCalled();
      expect(over).toBe(false);

      finishStartup();
      await started;
      await loops.startupsDone();
      expect(over).toBe(true);
      expect(startup).toHaveBeenCalledTimes(1);
      expect(startup.mock.calls[0]).toEqual([{ signal: expect.any(AbortSignal) }]);
      expect(liveness.record).toHaveBeenCalledWith('repairing', clock.now());
      expect(logged.map((l) => l.args[1])).toContain('start-up done: nothing to do');
      await loops.tryPass(loop);
      expect(tick).toHaveBeenCalledTimes(1);
    });

    it('a failed start-up is logged, not thrown, and the loop still runs its passes', async () => {
      const { loops } = setup();
      const tick = jest.fn().mockResolvedValue(undefined);
      const loop = {
        name: 'failing-start',
        intervalMs: 3_600_000,
        tick,
        startup: jest.fn().mockRejectedValue(new Error('db down')),
      };
      await expect(loops.start(loop)).resolves.toBeUndefined();
      expect(logged.map((l) => l.args[1])).toContain('start-up failed; will retry next interval');
      await loops.tryPass(loop);
      expect(tick).toHaveBeenCalledTimes(1);
    });

    it('a first pass at start is simply the tick as start-up work', async () => {
      const { loops } = setup();
      const tick = jest.fn().mockResolvedValue({ reaped: 1 });
      await loops.start({ name: 'eager', intervalMs: 60_000, tick, startup: tick });
      expect(tick).toHaveBeenCalledTimes(1);
      expect(logged.map((l) => l.args[1])).toEqual(['start-up done']);
    });
  });
});
