import { randomUUID } from 'node:crypto';
import { mintToken } from '../../../src/common/auth/token-codec';
import { AppRoute } from '../../support/app-routes';
import { TestDatabase } from '../../support/test-database';
import { AuthKind } from './route-auth';

/**
 * The workspaces one matrix request is about, made fresh for every request so that what an
 * allowed request does (a delete, a pause, a revoke) never changes what the next one sees.
 * All are root workspaces: siblings, so the hierarchy rule lets each reach the others.
 */
export interface Cast {
  /** The route's subject: the path's `:id`, the registry body's id, or the calling workspace. */
  readonly subject: string;
  /** The workspace a caller addresses on caller-authenticated routes (A2A, discovery). */
  readonly target: string;
  readonly tokens: {
    readonly own: string;
    readonly revoked: string;
    readonly otherWorkspace: string;
    readonly removedWorkspace: string;
  };
}

/** Inserts a cast in one round trip. */
export async function insertCast(db: TestDatabase): Promise<Cast> {
  const [subject, target, other, removed] = [
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
  ];
  const own = mintToken();
  const revoked = mintToken();
  const otherToken = mintToken();
  const removedToken = mintToken();
  const row = (id: string, status: string, state: string) =>
    `('${id}', 'matrix-${id.slice(0, 8)}', '${status}', '${state}', '${state}')`;
  const token = (id: string, t: { hash: Buffer; prefix: string }, revokedAt: string) =>
    `('${id}', '\\x${t.hash.toString('hex')}', '${t.prefix}', ${revokedAt})`;
  await db.query(`
    WITH ws AS (
      INSERT INTO workspaces (id, name, status, desired_state, observed_state) VALUES
        ${row(subject, 'online', 'running')}, ${row(target, 'online', 'running')},
        ${row(other, 'online', 'running')}, ${row(removed, 'removed', 'removed')}
      RETURNING id
    )
    INSERT INTO workspace_auth_tokens (workspace_id, token_hash, prefix, revoked_at)
    SELECT v.workspace_id::uuid, v.token_hash::bytea, v.prefix, v.revoked_at::timestamptz
    FROM (VALUES
      ${token(subject, own, 'NULL')}, ${token(subject, revoked, 'now()')},
      ${token(other, otherToken, 'NULL')}, ${token(removed, removedToken, 'NULL')}
    ) AS v(workspace_id, token_hash, prefix, revoked_at)
    WHERE EXISTS (SELECT 1 FROM ws)`);
  return {
    subject,
    target,
    tokens: {
      own: own.plaintext,
      revoked: revoked.plaintext,
      otherWorkspace: otherToken.plaintext,
      removedWorkspace: removedToken.plaintext,
    },
  };
}

export interface RouteRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Kinds whose subject is the caller named by `X-Workspace-ID`, not the path's workspace. */
const CALLER_KINDS: readonly AuthKind[] = ['discovery-caller', 'caller-token', 'ws-agent'];

const A2A_MESSAGE = {
  method: 'message/send',
  params: { message: { role: 'user', parts: [{ kind: 'text', text: 'auth matrix' }] } },
};

/**
 * A request to `route` about the cast's subject, shaped so that the route's auth decision is
 * the first thing that can refuse it: registry bodies are valid, callers are named. What an
 * allowed request carries is otherwise minimal (`{}`), so it mostly stops at validation.
 */
export function requestFor(route: AppRoute, kind: AuthKind, cast: Cast): RouteRequest {
  const callerKind = CALLER_KINDS.includes(kind);
  const path = route.path.replace(/[:*](\w+)/g, (_, name: string) => {
    switch (name) {
      case 'id':
        return callerKind ? cast.target : cast.subject;
      case 'workspaceId':
        return cast.subject;
      case 'key':
        return 'MATRIX_KEY';
      case 'name':
        return 'matrix-plugin';
      case 'path':
        return 'notes.md';
      default:
        return randomUUID();
    }
  });
  const headers: Record<string, string> = {};
  if (callerKind) headers['X-Workspace-ID'] = cast.subject;
  let body: unknown;
  if (route.path === '/registry/register')
    body = { id: cast.subject, url: 'http://localhost:9', agent_card: { name: 'matrix' } };
  else if (route.path === '/registry/heartbeat') body = { workspace_id: cast.subject };
  else if (route.path === '/registry/update-card')
    body = { workspace_id: cast.subject, agent_card: { name: 'matrix' } };
  else if (route.path.endsWith('/a2a')) body = A2A_MESSAGE;
  else if (['POST', 'PUT', 'PATCH'].includes(route.method)) body = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return {
    method: route.method,
    path,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  };
}
