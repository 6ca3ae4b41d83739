import { ApiError, internalError, platformUnavailable, unauthorized } from '../http/api-error';
import { bearerToken } from './bearer';
import { WorkspaceTokens } from './workspace-tokens.service';

/**
 * "The workspace's own token, once it has one" (spec 02 §1.2, spec 01 §3.6): a workspace
 * without live tokens is grandfathered; after its first token only that workspace's bearer
 * passes. A datastore failure never opens the gate — it becomes `onDatastoreError()`.
 */
export async function enforceTokenGate(
  tokens: WorkspaceTokens,
  workspaceId: string,
  authorization: string | string[] | undefined,
  onDatastoreError: () => ApiError,
): Promise<void> {
  let gate;
  try {
    gate = await tokens.gate(workspaceId, bearerToken(authorization));
  } catch {
    throw onDatastoreError();
  }
  if (gate === 'missing') throw unauthorized('missing workspace auth token');
  if (gate === 'invalid') throw unauthorized('invalid workspace auth token');
}

/** The in-handler check of `/state` and `/secrets/values`: an ADMIN_TOKEN or org token is not enough. */
export function requireOwnTokenIfAny(
  tokens: WorkspaceTokens,
  workspaceId: string,
  authorization: string | string[] | undefined,
): Promise<void> {
  return enforceTokenGate(tokens, workspaceId, authorization, () =>
    internalError('auth check failed'),
  );
}

/** The registry's gate on register / heartbeat / update-card (keyed by the body's id). */
export function requireRegistryToken(
  tokens: WorkspaceTokens,
  workspaceId: string,
  authorization: string | string[] | undefined,
): Promise<void> {
  return enforceTokenGate(tokens, workspaceId, authorization, platformUnavailable);
}
