import type { RequestHandler } from 'express';
import type { TokenUsage } from './agent-options';

/**
 * Adds `result.usage` to JSON-RPC replies. Adapters report token usage there, but the SDK's
 * v0.3 Message has no such field and its translator drops unknown keys.
 */
export function graftUsage(usage: TokenUsage): RequestHandler {
  return (_req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body: unknown) => json(withUsage(body, usage));
    next();
  };
}

function withUsage(body: unknown, usage: TokenUsage): unknown {
  if (!isObject(body) || !isObject(body.result)) return body;
  return { ...body, result: { ...body.result, usage } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
