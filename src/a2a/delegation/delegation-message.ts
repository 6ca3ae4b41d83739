/**
 * The A2A body a delegation sends (spec 03 §4.2). No `jsonrpc`, so the proxy wraps it;
 * `messageId` = the delegation id makes the busy queue's idempotency key the delegation id,
 * and `metadata.delegation_id` lets a drained reply find its delegation again (§3.5).
 * The part keeps the reference's `type` and adds the v0.3 discriminator `kind`: strict A2A
 * SDKs refuse a part without it, and the reference then logged their JSON-RPC error as the
 * delegation's result.
 */
export function delegationMessage(delegationId: string, task: string): Record<string, unknown> {
  return {
    method: 'message/send',
    params: {
      message: {
        role: 'user',
        messageId: delegationId,
        parts: [{ kind: 'text', type: 'text', text: task }],
        metadata: { delegation_id: delegationId },
      },
    },
  };
}
