/** A reported count above this is taken as this: one reply cannot meter more. */
export const MAX_REPORTED_TOKENS = 10_000_000;

export interface ReplyUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * The token usage an agent put in its JSON-RPC reply (spec 03 §2.13): `result.usage`, else a
 * top-level `usage`, each `{input_tokens, output_tokens}`. Counts are whole numbers clamped to
 * 0…10,000,000 (anything not a number counts 0); a reply without usage, or with zero of both,
 * has none.
 */
export function usageOf(reply: unknown): ReplyUsage | undefined {
  if (!isObject(reply)) return undefined;
  const usage =
    (isObject(reply.result) && isObject(reply.result.usage) && reply.result.usage) ||
    (isObject(reply.usage) && reply.usage) ||
    undefined;
  if (!usage) return undefined;
  const inputTokens = tokens(usage.input_tokens);
  const outputTokens = tokens(usage.output_tokens);
  return inputTokens === 0 && outputTokens === 0 ? undefined : { inputTokens, outputTokens };
}

function tokens(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 0;
  return Math.min(Math.max(Math.trunc(value), 0), MAX_REPORTED_TOKENS);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
