import { randomUUID } from 'node:crypto';

/** A JSON-RPC request object as forwarded to an agent. */
export type JsonRpcRequest = Record<string, unknown>;

export type Normalized =
  | { readonly ok: true; readonly request: JsonRpcRequest; readonly method: string }
  | { readonly ok: false };

/**
 * Brings the short bodies the canvas and runtime send up to a JSON-RPC 2.0 envelope
 * (spec 03 §2.8): a body without `jsonrpc` is rewrapped as exactly
 * `{jsonrpc: "2.0", id, method, params}`; a `params.message` without a `messageId` key gets
 * one. A body with `jsonrpc` (any value) is kept as sent. JSON `null` counts as `{}`.
 */
export function normalizeEnvelope(parsed: unknown, newId: () => string = randomUUID): Normalized {
  if (parsed === null) parsed = {};
  if (!isObject(parsed)) return { ok: false };
  const request: JsonRpcRequest =
    'jsonrpc' in parsed
      ? parsed
      : {
          jsonrpc: '2.0',
          id: newId(),
          method: parsed.method ?? null,
          params: parsed.params ?? null,
        };
  const message = isObject(request.params) ? request.params.message : undefined;
  if (isObject(message) && !('messageId' in message)) message.messageId = newId();
  return { ok: true, request, method: typeof request.method === 'string' ? request.method : '' };
}

/** `params.message.messageId`: the queue's idempotency key ('' when absent or not a string). */
export function messageIdOf(request: unknown): string {
  const id = path(request, ['params', 'message', 'messageId']);
  return typeof id === 'string' ? id : '';
}

/** `params.message.metadata.delegation_id`: links a queued message back to its delegation. */
export function delegationIdOf(request: unknown): string {
  const id = path(request, ['params', 'message', 'metadata', 'delegation_id']);
  return typeof id === 'string' ? id : '';
}

/** `result.metadata.tool_trace` of an agent reply, when it is a non-empty list. */
export function toolTraceOf(reply: unknown): unknown[] | undefined {
  const trace = path(reply, ['result', 'metadata', 'tool_trace']);
  return Array.isArray(trace) && trace.length > 0 ? trace : undefined;
}

/** The text of an agent reply (spec 03 §4.4): first text part of result.parts, then of artifacts. */
export function responseText(body: string): string {
  let reply: unknown;
  try {
    reply = JSON.parse(body);
  } catch {
    return body;
  }
  const result = isObject(reply) ? reply.result : undefined;
  if (!isObject(result)) return body;
  const fromParts = (parts: unknown) =>
    Array.isArray(parts)
      ? parts.find((p) => isObject(p) && p.kind === 'text' && typeof p.text === 'string')?.text
      : undefined;
  const direct = fromParts(result.parts);
  if (typeof direct === 'string') return direct;
  if (Array.isArray(result.artifacts)) {
    for (const artifact of result.artifacts) {
      const text = isObject(artifact) ? fromParts(artifact.parts) : undefined;
      if (typeof text === 'string') return text;
    }
  }
  return body;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function path(value: unknown, keys: readonly string[]): unknown {
  let node = value;
  for (const key of keys) {
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return node;
}
