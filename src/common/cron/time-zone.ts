/** A time zone name Go's `time.LoadLocation` would refuse. */
export class TimeZoneError extends Error {}

/** The server's own zone, as Go's `"Local"`: croner reads an absent zone as local time. */
export const LOCAL_TIME_ZONE = undefined;

const known = new Map<string, boolean>();

/**
 * Loads a schedule's time zone the way the reference's `time.LoadLocation` does: `""` and
 * `"UTC"` are UTC, `"Local"` is the server's zone, anything else must be an IANA name spelled
 * with its exact case (Go reads the zoneinfo file of that name, and Linux file names are
 * case-sensitive). Returns the name croner is given (`undefined` for local time).
 */
export function loadTimeZone(name: string): string | undefined {
  if (name === '' || name === 'UTC') return 'UTC';
  if (name === 'Local') return LOCAL_TIME_ZONE;
  let ok = known.get(name);
  if (ok === undefined) {
    ok = isIanaName(name);
    if (known.size < 10_000) known.set(name, ok);
  }
  if (!ok) throw new TimeZoneError(`unknown time zone ${name}`);
  return name;
}

function isIanaName(name: string): boolean {
  // Intl also takes UTC offsets ("+01:00") on newer engines; Go only takes zoneinfo names.
  if (!/^[A-Za-z]/.test(name)) return false;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  // Intl matches names in any case and answers the canonical spelling; a name that differs
  // from it only by case ("america/new_york") has no zoneinfo file, so Go refuses it.
  return !(resolved !== name && resolved.toLowerCase() === name.toLowerCase());
}
