import type { SecuritySchemeObject } from '@nestjs/swagger';
import { AdminAuthGuard } from '../auth/admin-auth.guard';
import { CanvasOrBearerGuard } from '../auth/canvas-or-bearer.guard';
import { WorkspaceAuthGuard } from '../auth/workspace-auth.guard';
import { StrictWorkspaceIdPipe, WorkspaceIdPipe } from '../http/uuid';
import { ErrorSpec } from './responses';
import { SchemaObject, str, uuid } from './schema';

/** The credentials the platform accepts, as OpenAPI security schemes. */
export const SECURITY_SCHEMES = {
  admin: {
    type: 'http',
    scheme: 'bearer',
    description:
      '`ADMIN_TOKEN`. While `ADMIN_TOKEN` is unset, any live workspace token is accepted too ' +
      '(deprecated), and a fresh install (no live workspace token anywhere) needs no ' +
      'credential at all. `MOLECULE_ENV=development` without `ADMIN_TOKEN` opens every admin ' +
      'and workspace route.',
  },
  orgToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An org API token (`POST /org/tokens`): full admin over the tenant, and passes every ' +
      "workspace's routes.",
  },
  workspace: {
    type: 'http',
    scheme: 'bearer',
    description:
      'A token of the workspace in the path: minted by `POST /registry/register`, provisioning ' +
      '(`/configs/.auth_token`), `POST /workspaces/:id/tokens` or the test-token route.',
  },
  canvasSession: {
    type: 'apiKey',
    in: 'header',
    name: 'Cookie',
    description:
      "The canvas user's control-plane session (the whole `Cookie` header), verified with the " +
      'control plane when `MOLECULE_ORG_SLUG` and `CP_UPSTREAM_URL` are set. Admin routes only.',
  },
  canvasOrigin: {
    type: 'apiKey',
    in: 'header',
    name: 'Origin',
    description:
      'The canvas itself, without a bearer: a same-origin canvas (`Origin` or `Referer` naming ' +
      'this host, only when `CANVAS_PROXY_URL` is set) on workspace routes; on ' +
      '`PUT /canvas/viewport` also an allow-listed canvas `Origin` (localhost:3000/3001 and ' +
      '`CORS_ORIGINS`).',
  },
} satisfies Record<string, SecuritySchemeObject>;

export type SecuritySchemeName = keyof typeof SECURITY_SCHEMES;
/** OpenAPI's alternatives: any one entry satisfies the route. */
export type SecurityAlternatives = Record<string, string[]>[];

export function anyOf(...schemes: SecuritySchemeName[]): SecurityAlternatives {
  return schemes.map((name) => ({ [name]: [] }));
}

/** Auth that could not check a credential (database unreachable): it never fails open. */
export const PLATFORM_UNAVAILABLE = {
  errors: ['platform datastore unavailable — retry shortly'],
  extra: { code: { type: 'string', enum: ['platform_unavailable'] } },
  when: 'The credential could not be checked (database unreachable); auth never fails open',
} as const satisfies ErrorSpec;

/** What a guard on a route means on the wire: who may call it, and how it refuses. */
export interface GuardDocs {
  readonly security: SecurityAlternatives;
  readonly errors: Readonly<Record<number, ErrorSpec>>;
}

export const GUARD_DOCS = new Map<unknown, GuardDocs>([
  [
    AdminAuthGuard,
    {
      security: anyOf('admin', 'orgToken', 'canvasSession'),
      errors: {
        401: ['admin auth required', 'invalid admin auth token'],
        503: PLATFORM_UNAVAILABLE,
      },
    },
  ],
  [
    WorkspaceAuthGuard,
    {
      security: anyOf('workspace', 'admin', 'orgToken', 'canvasOrigin'),
      errors: {
        401: ['missing workspace auth token', 'invalid workspace auth token'],
        503: PLATFORM_UNAVAILABLE,
      },
    },
  ],
  [
    CanvasOrBearerGuard,
    {
      security: anyOf('admin', 'workspace', 'canvasOrigin'),
      errors: {
        401: ['admin auth required', 'invalid admin auth token'],
        503: PLATFORM_UNAVAILABLE,
      },
    },
  ],
]);

/** What a pipe on a path parameter means: the parameter's format and its 400. */
export interface PipeDocs {
  readonly schema: SchemaObject;
  readonly status: number;
  readonly error: string;
}

export const PIPE_DOCS = new Map<unknown, PipeDocs>([
  [
    WorkspaceIdPipe,
    {
      schema: uuid('A UUID: canonical in any case, 32 bare hex digits, {braced} or urn:uuid:.'),
      status: 400,
      error: 'invalid workspace ID',
    },
  ],
  [
    StrictWorkspaceIdPipe,
    {
      schema: {
        ...str('A canonical lower-case UUID.'),
        pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
      },
      status: 400,
      error: 'invalid workspace ID',
    },
  ],
]);
