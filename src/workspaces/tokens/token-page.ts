/** Paging of `GET /workspaces/:id/tokens`; out-of-range or non-integer values fall back. */
export interface TokenPage {
  readonly limit: number;
  readonly offset: number;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

/** `limit` is an integer in 1..200 (else 50); `offset` an integer ≥ 0 (else 0). */
export function tokenPage(limit: unknown, offset: unknown): TokenPage {
  const l = integerParam(limit);
  const o = integerParam(offset);
  return {
    limit: l !== null && l >= 1 && l <= MAX_LIMIT ? l : DEFAULT_LIMIT,
    offset: o !== null && o >= 0 ? o : 0,
  };
}

/** An integer the way Go's strconv.Atoi reads one (optional sign, digits only); first value wins. */
function integerParam(raw: unknown): number | null {
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (typeof text !== 'string' || !/^[+-]?\d+$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}
