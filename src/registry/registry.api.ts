import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { anyOf, PLATFORM_UNAVAILABLE } from '../common/openapi/auth-docs';
import { ApiErrors, Reply } from '../common/openapi/responses';
import {
  anyJson,
  arrayOf,
  bool,
  constant,
  int,
  nullable,
  object,
  str,
  uuid,
} from '../common/openapi/schema';

/** The registry token gate: open while the workspace has no token, then its own bearer only. */
const OWN_TOKEN_ONCE_ISSUED = [...anyOf('workspace'), {}];
const GATE_401 = ['missing workspace auth token', 'invalid workspace auth token'];
const CALLER_HEADER = ApiHeader({
  name: 'X-Workspace-ID',
  required: true,
  description: 'The asking workspace (a UUID).',
});

export const RegistryApi = {
  register: applyDecorators(
    ApiOperation({
      summary: 'Register a workspace’s agent (runtime)',
      description:
        'Marks the workspace online at `url` with its agent card. The first register of a ' +
        'workspace without a live token returns one (`auth_token`, shown once); re-registering ' +
        'never rotates it. Open while the workspace has no token, then its own bearer only.',
      security: OWN_TOKEN_ONCE_ISSUED,
    }),
    Reply(
      200,
      object({ status: constant('registered'), 'auth_token?': str('43 characters; shown once.') }),
      'Registered.',
    ),
    ApiErrors({
      400: {
        errors: ['invalid request body'],
        extra: { 'detail?': str('`url rejected: <reason>` when the URL failed the guard.') },
      },
      401: GATE_401,
      410: 'workspace removed',
      500: 'registration failed',
      503: PLATFORM_UNAVAILABLE,
    }),
  ),
  heartbeat: applyDecorators(
    ApiOperation({
      summary: 'Heartbeat (runtime, every 30 s)',
      description:
        'Records liveness, load, errors and spend, and re-evaluates the status (online, ' +
        'degraded, recovered). An unknown or removed workspace still gets 200.',
      security: OWN_TOKEN_ONCE_ISSUED,
    }),
    Reply(200, object({ status: constant('ok') }), 'Recorded.'),
    ApiErrors({
      400: 'invalid request body',
      401: GATE_401,
      500: 'failed to update',
      503: PLATFORM_UNAVAILABLE,
    }),
  ),
  updateCard: applyDecorators(
    ApiOperation({
      summary: 'Replace a workspace’s agent card (runtime)',
      security: OWN_TOKEN_ONCE_ISSUED,
    }),
    Reply(200, object({ status: constant('updated') }), 'Updated.'),
    ApiErrors({
      400: 'invalid request body',
      401: GATE_401,
      404: 'workspace not found',
      500: 'failed to update card',
      503: PLATFORM_UNAVAILABLE,
    }),
  ),
};

/** Discovery asks on behalf of a workspace: its own token once it has one, or a member's session. */
const DISCOVERY_SECURITY = [...anyOf('workspace', 'canvasSession'), {}];
const DISCOVERY_401 = [
  'missing workspace auth token',
  'invalid workspace auth token',
  'invalid session',
];

export const DiscoveryApi = {
  discover: applyDecorators(
    ApiOperation({
      summary: 'Discover how to reach a workspace',
      description:
        'For the workspace in `X-Workspace-ID`, if the hierarchy lets it talk to the target ' +
        '(siblings, parent and children). Authenticated as the asking workspace.',
      security: DISCOVERY_SECURITY,
    }),
    CALLER_HEADER,
    Reply(200, object({ id: uuid(), url: str(), name: str() }), 'Where to send A2A.'),
    ApiErrors({
      400: ['X-Workspace-ID header is required', 'invalid workspace ID'],
      401: DISCOVERY_401,
      403: 'not authorized to discover this workspace',
      404: 'workspace not found',
      500: 'lookup failed',
      503: {
        errors: [
          'workspace not available',
          'workspace URL failed safety check',
          'platform datastore unavailable — retry shortly',
        ],
        extra: { 'status?': str('The target’s status, when not available.'), 'code?': str() },
      },
    }),
  ),
  peers: applyDecorators(
    ApiOperation({
      summary: 'List a workspace’s peers',
      description: 'Its parent, siblings and children (not removed), filtered by `q`.',
      security: DISCOVERY_SECURITY,
    }),
    ApiQuery({
      name: 'q',
      required: false,
      description: 'Case-insensitive match on name or role.',
    }),
    Reply(
      200,
      arrayOf(
        object({
          id: uuid(),
          name: str(),
          role: nullable(str()),
          tier: int(),
          status: str(),
          agent_card: nullable(anyJson()),
          url: str(),
          parent_id: nullable(uuid()),
          active_tasks: int(),
        }),
      ),
      'The peers.',
    ),
    ApiErrors({
      401: DISCOVERY_401,
      404: 'workspace not found',
      500: 'lookup failed',
      503: PLATFORM_UNAVAILABLE,
    }),
  ),
  checkAccess: applyDecorators(
    ApiOperation({
      summary: 'Ask whether one workspace may talk to another',
      description: 'Unknown ids or lookup errors answer `allowed: false`.',
      security: [],
    }),
    Reply(200, object({ allowed: bool() }), 'The verdict.'),
    ApiErrors({ 400: 'invalid request body' }),
  ),
};
