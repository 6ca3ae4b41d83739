import { Cron } from 'croner';
import { LRUCache } from 'lru-cache';
import { CronSyntaxError, parseCronExpression } from './cron-expression';
import { loadTimeZone, TimeZoneError } from './time-zone';

/** Why a schedule's `(cron_expr, timezone)` has no next run; `message` is the reference's text. */
export class ScheduleSpecError extends Error {
  constructor(
    readonly kind: 'timezone' | 'cron',
    message: string,
  ) {
    super(message);
  }
}

/** A schedule's firing times. */
export interface CompiledSchedule {
  /** The first firing time strictly after `after`. */
  nextAfter(after: Date): Date;
}

const compiled = new LRUCache<string, CompiledSchedule>({ max: 2_000 });

/**
 * `ComputeNextRun` (spec 05 §2): the first instant strictly after `after` matching `cronExpr`
 * on the wall clock of `timeZone`. Throws {@link ScheduleSpecError}: `invalid timezone "<tz>":
 * <cause>` or `invalid cron expression "<expr>": <cause>` — also for an expression that can
 * never match (`0 0 31 2 *`), which the reference stored as the zero time and then fired on
 * every tick.
 */
export function computeNextRun(cronExpr: string, timeZone: string, after: Date): Date {
  return compileSchedule(cronExpr, timeZone).nextAfter(after);
}

/** Parses and validates once (cached); the result answers `nextAfter` without re-parsing. */
export function compileSchedule(cronExpr: string, timeZone: string): CompiledSchedule {
  const key = `${timeZone}\u0000${cronExpr}`;
  let schedule = compiled.get(key);
  if (!schedule) {
    schedule = compile(cronExpr, timeZone);
    compiled.set(key, schedule);
  }
  return schedule;
}

function compile(cronExpr: string, timeZone: string): CompiledSchedule {
  let zone: string | undefined;
  try {
    zone = loadTimeZone(timeZone);
  } catch (err) {
    if (err instanceof TimeZoneError) {
      throw new ScheduleSpecError('timezone', `invalid timezone "${timeZone}": ${err.message}`);
    }
    throw err;
  }
  const invalid = (cause: string) =>
    new ScheduleSpecError('cron', `invalid cron expression "${cronExpr}": ${cause}`);

  let cron: Cron;
  try {
    const spec = parseCronExpression(cronExpr);
    cron = new Cron(spec.pattern, {
      paused: true,
      timezone: spec.timeZone ? spec.timeZone.zone : zone,
      mode: '5-part',
      // Day of month OR day of week, as classic cron (when neither is `*`).
      domAndDow: false,
      // DST: a job at fixed hours and minutes (lists and ranges too, as Vixie cron) runs once
      // when its time occurs twice, and right after the gap when its time is skipped; jobs
      // with `*` or a step in the minute or hour run on the real-time grid.
      fixedTimeRule: 'no-wildcard',
    });
  } catch (err) {
    throw invalid(err instanceof CronSyntaxError ? err.message : describe(err));
  }
  // An expression no date satisfies (30 February) has no first run either.
  if (!cron.nextRun(new Date(0))) throw invalid('never matches any date');

  return {
    nextAfter(after: Date): Date {
      const next = cron.nextRun(after);
      if (!next) throw invalid('no further matching date');
      return next;
    },
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
