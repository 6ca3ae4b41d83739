import { parseUuid } from '../../common/http/uuid';

/** Who is calling the proxy, from its `X-Workspace-ID` header (spec 03 §2.2). */
export type ProxyCaller =
  | { readonly kind: 'canvas' }
  | { readonly kind: 'self'; readonly id: string }
  | { readonly kind: 'agent'; readonly id: string }
  | { readonly kind: 'forged' };

/** Prefixes only the platform itself may use (scheduler, webhooks, channels, restarts). */
const SYSTEM_PREFIXES = ['webhook:', 'system:', 'test:', 'channel:'];

export function isSystemCaller(callerId: string): boolean {
  return SYSTEM_PREFIXES.some((prefix) => callerId.startsWith(prefix));
}

/**
 * No header: the canvas (trusted, no token). The target's own id: the agent messaging itself.
 * A system prefix or anything that is not a workspace id: forged. Otherwise another agent,
 * whose own token and hierarchy position are then checked.
 */
export function identifyCaller(header: string | undefined, targetId: string): ProxyCaller {
  const raw = header?.trim() ?? '';
  if (raw === '') return { kind: 'canvas' };
  if (isSystemCaller(raw)) return { kind: 'forged' };
  const id = parseUuid(raw);
  if (!id) return { kind: 'forged' };
  return id === targetId ? { kind: 'self', id } : { kind: 'agent', id };
}
