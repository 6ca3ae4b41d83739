import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { anyOf } from '../common/openapi/auth-docs';
import { ApiErrors, Reply } from '../common/openapi/responses';
import {
  arrayOf,
  bool,
  constant,
  dateTime,
  freeObject,
  int,
  nullable,
  object,
  str,
  uuid,
} from '../common/openapi/schema';

const BUSY = {
  busy: constant(true),
  retry_after: int('Seconds.'),
  'native_session?': constant(true),
  'waking?': constant(true),
  'restarting?': constant(true),
  'status?': str('The target’s status, when it has no URL.'),
  'delivery_confirmed?': bool(),
};

export const A2AProxyApi = applyDecorators(
  ApiOperation({
    summary: 'Send an A2A JSON-RPC request to a workspace’s agent',
    description:
      'Forwards the request (short runtime envelopes are normalised to JSON-RPC) and answers ' +
      'with the agent’s reply — JSON, or its SSE stream for `message/stream`. Without ' +
      '`X-Workspace-ID` the caller is the canvas; a workspace calling another names itself ' +
      'there with its own token (once it has one) and must be allowed by the hierarchy. A busy ' +
      'agent queues the request (202); a hibernated one is woken (503 with `retry_after`).',
    security: [...anyOf('workspace'), {}],
  }),
  ApiHeader({
    name: 'X-Workspace-ID',
    required: false,
    description:
      'The calling workspace; absent for the canvas. `webhook:`/`system:`/`test:`/`channel:` ids are refused.',
  }),
  ApiHeader({
    name: 'X-Timeout',
    required: false,
    description: 'Whole seconds bounding the dispatch (anything else is ignored).',
  }),
  ApiBody({
    description: 'A2A JSON-RPC request (at most 1 MiB), e.g. `message/send`.',
    schema: freeObject(),
  }),
  Reply(200, freeObject('The agent’s JSON-RPC reply, as it sent it.'), 'Delivered.'),
  Reply(
    202,
    object({
      queued: constant(true),
      queue_id: uuid(),
      queue_depth: int(),
      message: str(),
    }),
    'The agent is busy: queued, dispatched when it has capacity.',
  ),
  ApiErrors({
    400: ['invalid JSON', 'failed to read request body'],
    401: ['missing caller auth token', 'invalid caller auth token'],
    402: 'workspace budget limit exceeded',
    403: ['invalid caller ID', 'access denied: workspaces cannot communicate per hierarchy rules'],
    404: 'workspace not found',
    413: 'request body exceeds the 1 MiB limit',
    500: ['lookup failed', 'failed to create proxy request'],
    502: {
      errors: [
        'workspace URL is not publicly routable',
        'failed to reach workspace agent',
        'failed to read agent response',
        '<the agent’s own error, or its status text>',
      ],
      extra: { 'delivery_confirmed?': bool() },
      when: 'Also any 3xx–5xx the agent answered, with its status',
    },
    503: {
      errors: [
        'workspace agent busy — retry after a short backoff',
        'workspace agent busy — adapter handles retry (native_session)',
        'workspace is waking from hibernation — retry in ~15 seconds',
        'workspace agent unreachable — container restart triggered',
        'workspace has no URL',
        'platform datastore unavailable — retry shortly',
      ],
      extra: Object.fromEntries(
        Object.entries(BUSY).map(([k, v]) => [k.endsWith('?') ? k : `${k}?`, v]),
      ),
    },
  }),
);

const DELEGATION = object({
  id: uuid(),
  type: str('`delegation`.'),
  source_id: str(),
  target_id: str(),
  summary: str(),
  status: str('`pending`, `dispatched`, `queued`, `completed`, `failed`, …'),
  created_at: nullable(dateTime()),
  'delegation_id?': str(),
  'error?': str(),
  'response_preview?': str(),
});

export const DelegationApi = {
  delegate: applyDecorators(
    ApiOperation({
      summary: 'Delegate a task to another workspace',
      description:
        'Sends it through the A2A proxy in the background and records the delegation; the reply ' +
        'lands in the activity log. A repeated `idempotency_key` answers the earlier delegation.',
    }),
    Reply(
      202,
      object({
        delegation_id: uuid(),
        status: constant('delegated'),
        target_id: uuid(),
        'warning?': str(),
      }),
      'Sent.',
    ),
    Reply(
      200,
      object({
        delegation_id: uuid(),
        status: str(),
        target_id: uuid(),
        idempotent_hit: constant(true),
      }),
      'An earlier delegation under the same key.',
    ),
    ApiErrors({
      400: [
        'invalid delegation request',
        'target_id must be a valid UUID',
        'self-delegation not permitted',
      ],
    }),
  ),
  record: applyDecorators(
    ApiOperation({ summary: 'Record a delegation the agent sent itself' }),
    Reply(202, object({ delegation_id: str(), status: constant('recorded') }), 'Recorded.'),
    ApiErrors({
      400: ['invalid request body', 'target_id must be a valid UUID'],
      500: 'failed to record delegation',
    }),
  ),
  update: applyDecorators(
    ApiOperation({ summary: 'Report how a self-sent delegation ended' }),
    Reply(200, object({ status: str(), delegation_id: str() }), 'Updated.'),
    ApiErrors({
      400: ['invalid request body', "status must be 'completed' or 'failed'"],
      500: 'query failed',
    }),
  ),
  list: applyDecorators(
    ApiOperation({ summary: 'List a workspace’s delegations', description: 'Newest first.' }),
    Reply(200, arrayOf(DELEGATION), 'The delegations.'),
    ApiErrors({ 500: 'query failed' }),
  ),
};

export const A2AQueueApi = applyDecorators(
  ApiOperation({
    summary: 'Drop stale queued A2A messages',
    description: 'Clears messages queued longer than `max_age_minutes` that nobody drained.',
  }),
  ApiQuery({
    name: 'max_age_minutes',
    required: false,
    schema: { type: 'integer', minimum: 1, default: 60 },
    description: 'Present means it must be a positive integer.',
  }),
  ApiQuery({ name: 'workspace_id', required: false, schema: uuid('Only this workspace’s queue.') }),
  Reply(200, object({ dropped: int() }), 'Dropped.'),
  ApiErrors({
    400: ['max_age_minutes must be a positive integer', 'invalid workspace ID'],
    500: 'failed to drop stale items',
  }),
);
