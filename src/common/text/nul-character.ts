/**
 * PostgreSQL text and JSONB cannot hold U+0000: a value carrying one would fail its write with
 * a 500. Routes refuse such input up front instead. Walks strings, arrays and object keys and
 * values of parsed JSON.
 */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).some(([key, v]) => key.includes('\u0000') || containsNul(v));
  return false;
}
