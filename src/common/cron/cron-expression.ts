import { loadTimeZone, TimeZoneError } from './time-zone';

/** A cron expression outside the dialect (spec 05 §2); the message says why. */
export class CronSyntaxError extends Error {}

/** An expression of the dialect, rewritten for croner, which does the date arithmetic. */
export interface CronPatternSpec {
  /** Five fields, names as numbers, `?` as `*`, `N/step` as `N-max/step`. */
  readonly pattern: string;
  /** Set by a `TZ=` / `CRON_TZ=` prefix, which overrides the schedule's time zone. */
  readonly timeZone?: { readonly zone: string | undefined };
}

interface FieldBounds {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MONTH_NAMES = Object.fromEntries(
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map(
    (m, i) => [m, i + 1],
  ),
);
const DAY_NAMES = Object.fromEntries(
  ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d, i) => [d, i]),
);

const FIELDS: readonly FieldBounds[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day of week', min: 0, max: 6, names: DAY_NAMES },
];

const TZ_PREFIXES = ['TZ=', 'CRON_TZ='];

/**
 * Checks an expression against the reference's dialect — robfig/cron v3 configured for exactly
 * the five standard fields, no descriptors — and rewrites it for croner. Stricter than croner
 * on purpose: `@hourly`, six or seven fields, `L`/`W`/`#`/`+`, day-of-week 7 and out-of-range
 * values are refused even though croner would read them. Matching semantics kept from robfig:
 * `?` is `*`; `N/step` runs from N to the field's maximum; a field that is `*` (or `*`/`?` with
 * step 1) makes the day match on the other day field alone, otherwise either day field matches.
 */
export function parseCronExpression(expression: string): CronPatternSpec {
  let spec = expression.trim();
  if (spec === '') throw new CronSyntaxError('empty spec string');

  let timeZone: CronPatternSpec['timeZone'];
  const prefix = TZ_PREFIXES.find((p) => spec.startsWith(p));
  if (prefix) {
    // The reference's parser panics on a prefix without a following expression.
    const end = spec.search(/\s/);
    if (end === -1) throw new CronSyntaxError(`no expression after ${prefix}<zone>`);
    const zoneName = spec.slice(prefix.length, end);
    try {
      timeZone = { zone: loadTimeZone(zoneName) };
    } catch (err) {
      if (!(err instanceof TimeZoneError)) throw err;
      throw new CronSyntaxError(`provided bad location ${zoneName}: ${err.message}`);
    }
    spec = spec.slice(end).trim();
  }

  if (spec.startsWith('@'))
    throw new CronSyntaxError(`parser does not accept descriptors: ${spec}`);
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== FIELDS.length) {
    throw new CronSyntaxError(
      `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`,
    );
  }
  const pattern = fields.map((field, i) => normalizeField(field, FIELDS[i])).join(' ');
  return timeZone ? { pattern, timeZone } : { pattern };
}

function normalizeField(field: string, bounds: FieldBounds): string {
  const items = field.split(',').map((item) => normalizeItem(item, bounds));
  // Any plain `*` in a list covers the whole field (and keeps its "unrestricted" meaning).
  return items.includes('*') ? '*' : items.join(',');
}

function normalizeItem(item: string, bounds: FieldBounds): string {
  const rangeAndStep = item.split('/');
  if (rangeAndStep.length > 2) throw new CronSyntaxError(`too many slashes: ${item}`);
  const lowAndHigh = rangeAndStep[0].split('-');
  if (lowAndHigh.length > 2) throw new CronSyntaxError(`too many hyphens: ${item}`);

  const star = lowAndHigh[0] === '*' || lowAndHigh[0] === '?';
  if (star && lowAndHigh.length > 1) throw new CronSyntaxError(`too many hyphens: ${item}`);
  const start = star ? bounds.min : valueOf(lowAndHigh[0], bounds);
  let end = star ? bounds.max : lowAndHigh.length === 2 ? valueOf(lowAndHigh[1], bounds) : start;
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = integerOf(rangeAndStep[1]);
    // "N/step" means "N-max/step".
    if (lowAndHigh.length === 1) end = bounds.max;
  }

  if (start < bounds.min) {
    throw new CronSyntaxError(
      `beginning of range (${start}) below minimum (${bounds.min}): ${item}`,
    );
  }
  if (end > bounds.max) {
    throw new CronSyntaxError(`end of range (${end}) above maximum (${bounds.max}): ${item}`);
  }
  if (start > end) {
    throw new CronSyntaxError(
      `beginning of range (${start}) beyond end of range (${end}): ${item}`,
    );
  }
  if (step === 0) throw new CronSyntaxError(`step of range should be a positive number: ${item}`);

  if (star && step === 1) return '*';
  // croner refuses a step wider than its range; such a step only ever matches the start.
  if (start === end || step > end - start) return String(start);
  return step === 1 ? `${start}-${end}` : `${start}-${end}/${step}`;
}

function valueOf(text: string, bounds: FieldBounds): number {
  const named = bounds.names?.[text.toLowerCase()];
  return named ?? integerOf(text);
}

/** Go's `strconv.Atoi` plus robfig's "no negatives": an optional `+`, then decimal digits. */
function integerOf(text: string): number {
  if (/^-\d+$/.test(text)) throw new CronSyntaxError(`negative number (${text}) not allowed`);
  if (!/^\+?\d+$/.test(text)) throw new CronSyntaxError(`failed to parse int from ${text}`);
  return Number(text);
}
