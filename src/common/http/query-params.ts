/** The first value of a query parameter (Express gives an array for repeats); non-strings are absent. */
export function firstValue(raw: unknown): string | undefined {
  const value = Array.isArray(raw) ? raw[0] : raw;
  return typeof value === 'string' ? value : undefined;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * An integer the way Go's `strconv.Atoi` reads one — optional sign, ASCII digits, within
 * int64 — or undefined. The reference parses `limit` and `since_secs` with it.
 */
export function atoi(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  if (value < INT64_MIN || value > INT64_MAX) return undefined;
  // Beyond 2^53 precision is lost, but every caller caps far below that.
  return Number(value);
}
