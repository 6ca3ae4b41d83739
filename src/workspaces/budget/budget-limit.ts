import { badRequest } from '../../common/http/api-error';

/**
 * The `budget_limit` of a PATCH body (spec 01 §3.14): null clears it, a number ≥ 0 is
 * truncated to whole cents (0 included); anything else is refused with its contract message.
 * Values JavaScript cannot hold exactly (above 2^53 − 1) are not integers here.
 */
export function parseBudgetLimit(body: Record<string, unknown>): number | null {
  if (!('budget_limit' in body)) throw badRequest('budget_limit field is required');
  const value = body.budget_limit;
  if (value === null) return null;
  if (typeof value !== 'number') throw notAnInteger();
  if (value < 0) throw badRequest('budget_limit must be >= 0 (USD cents)');
  if (value > Number.MAX_SAFE_INTEGER) throw notAnInteger();
  // `+ 0` turns a literal -0 into 0.
  return Math.trunc(value) + 0;
}

function notAnInteger() {
  return badRequest('budget_limit must be an integer (USD cents) or null');
}
