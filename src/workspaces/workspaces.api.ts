import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { ApiErrors, Reply } from '../common/openapi/responses';
import {
  anyJson,
  arrayOf,
  bool,
  constant,
  dateTime,
  int,
  named,
  nullable,
  num,
  object,
  str,
  uuid,
} from '../common/openapi/schema';

/** The keys every workspace view shares (spec 01 §3.2). */
const VIEW = {
  id: uuid(),
  name: str(),
  role: nullable(str()),
  tier: int(),
  status: str(
    '`provisioning`, `online`, `offline`, `degraded`, `failed`, `paused`, `hibernating`, ' +
      '`hibernated`, `awaiting_agent`, `removed`.',
  ),
  agent_card: nullable(anyJson('The A2A agent card the runtime registered.')),
  url: str('The agent URL; `""` until it registers.'),
  parent_id: nullable(uuid()),
  active_tasks: int(),
  max_concurrent_tasks: int(),
  last_error_rate: num(),
  uptime_seconds: int(),
  runtime: str(),
  x: num('Canvas position.'),
  y: num(),
  collapsed: bool(),
  'provision_timeout_ms?': int("Only when a template declares this runtime's provision timeout."),
};

export const WORKSPACE_LIST_ITEM = named(
  'WorkspaceListItem',
  object({
    ...VIEW,
    last_sample_error: str(),
    current_task: str(),
    workspace_dir: nullable(str()),
    budget_limit: nullable(int('US cents; `null` = unlimited.')),
    monthly_spend: int('US cents.'),
  }),
);

const WORKSPACE_DETAIL = named(
  'WorkspaceDetail',
  object(
    { ...VIEW, last_outbound_at: nullable(dateTime('Last A2A call the workspace made.')) },
    'Open to anyone: the budget, spend, current task, last error and directory are left out.',
  ),
);

const CONNECTION = named(
  'ExternalConnection',
  object(
    {
      workspace_id: uuid(),
      platform_url: str('`EXTERNAL_PLATFORM_URL`, else from the request (X-Forwarded-*/Host).'),
      auth_token: str('The workspace token (shown once); `""` if it could not be minted.'),
      registry_endpoint: str(),
      heartbeat_endpoint: str(),
      curl_register_template: str(),
      python_snippet: str(),
    },
    'How an agent running elsewhere registers itself.',
  ),
);

export const WorkspacesApi = {
  list: applyDecorators(
    ApiOperation({
      summary: 'List workspaces',
      description: 'Every workspace not removed, oldest first, with its canvas layout.',
    }),
    Reply(200, arrayOf(WORKSPACE_LIST_ITEM), 'The workspaces.'),
    ApiErrors({ 500: 'query failed' }),
  ),

  create: applyDecorators(
    ApiOperation({
      summary: 'Create a workspace',
      description:
        'Stores the workspace (and its secrets, canvas position, seed memories), then provisions ' +
        'its container asynchronously. An external workspace (`external: true` or runtime ' +
        '`external`) gets no container: with `url` it is online at once, without one it awaits ' +
        'its agent and the reply carries a token and registration instructions.',
    }),
    Reply(
      201,
      {
        oneOf: [
          object(
            {
              id: uuid(),
              status: str('`provisioning`, or `failed` when no compute backend is configured.'),
              awareness_namespace: str('`workspace:<id>`.'),
              workspace_access: str(),
            },
            'A container workspace.',
          ),
          object(
            { id: uuid(), external: constant(true), status: constant('online') },
            'An external workspace with `url`.',
          ),
          object(
            {
              id: uuid(),
              external: constant(true),
              status: constant('awaiting_agent'),
              connection: CONNECTION,
            },
            'An external workspace without `url`.',
          ),
        ],
      },
      'Created.',
    ),
    ApiErrors({
      400: [
        'invalid workspace payload',
        'invalid workspace fields',
        'invalid template',
        'invalid workspace directory',
        'invalid workspace access',
        'parent workspace not found',
      ],
      500: [
        'failed to create workspace',
        'failed to encrypt secret: <KEY>',
        'failed to save secret: <KEY>',
      ],
    }),
  ),

  get: applyDecorators(
    ApiOperation({
      summary: 'Get a workspace',
      description: 'Open: no credential needed. A removed workspace is still returned.',
      security: [],
    }),
    Reply(200, WORKSPACE_DETAIL, 'The workspace.'),
    ApiErrors({ 404: 'workspace not found', 500: 'query failed' }),
  ),

  update: applyDecorators(
    ApiOperation({
      summary: 'Update a workspace',
      description:
        'Applies each key present; others are ignored (`budget_limit` only through ' +
        '`PATCH /workspaces/:id/budget`). Nothing is restarted: `needs_restart` says a changed ' +
        '`workspace_dir` waits for one.',
    }),
    ApiBody({
      schema: object({
        'name?': str('Non-empty; validated as on create.'),
        'role?': nullable(str()),
        'tier?': int(),
        'parent_id?': nullable(uuid('An existing workspace; no self-reference, no cycle.')),
        'collapsed?': bool(),
        'runtime?': str(),
        'workspace_dir?': nullable(str()),
        'x?': num('With `y`.'),
        'y?': num('With `x`.'),
      }),
    }),
    Reply(
      200,
      object({ status: constant('updated'), 'needs_restart?': constant(true) }),
      'Updated.',
    ),
    ApiErrors({
      400: [
        'invalid request body',
        '<field> must not contain newline characters',
        '<field> contains invalid characters',
        'name must be at most 255 characters',
        'name must be a non-empty string',
        'role must be a string or null',
        'tier must be an integer',
        'runtime must be a string',
        'parent_id must be a workspace ID or null',
        'a workspace cannot be its own parent',
        'parent workspace not found',
        'parent_id would create a cycle',
        'workspace_dir must be a string or null',
        'invalid workspace directory',
        'collapsed must be a boolean',
        'x and y must be numbers',
      ],
      404: 'workspace not found',
      500: 'update failed',
    }),
  ),

  remove: applyDecorators(
    ApiOperation({
      summary: 'Delete a workspace',
      description:
        'Marks the workspace and its descendants removed, revokes their tokens, disables their ' +
        'schedules and stops their containers. A workspace with children needs ' +
        '`?confirm=true`; `?purge=true` also deletes their rows and data.',
    }),
    ApiQuery({ name: 'confirm', required: false, enum: ['true'], description: 'Cascade.' }),
    ApiQuery({ name: 'purge', required: false, enum: ['true'], description: 'Hard delete.' }),
    Reply(
      200,
      object({
        status: str('`removed` or `purged`.'),
        cascade_deleted: int('Descendants removed with it.'),
      }),
      'Removed (also for an unknown or already removed id).',
    ),
    ApiErrors({
      404: 'workspace not found',
      409: {
        errors: [],
        when: 'The workspace has children and `confirm` is not `true` (no `error` key)',
        extra: {
          status: constant('confirmation_required'),
          message: str(),
          children: arrayOf(object({ id: uuid(), name: str() })),
          children_count: int(),
        },
      },
      500: {
        errors: [
          'lookup failed',
          'failed to check children',
          'purge failed',
          'workspace marked removed, but <n> stop call(s) failed — please retry: <errors>',
        ],
        extra: { 'removed_count?': int(), 'stop_failures?': int() },
      },
    }),
  ),

  state: applyDecorators(
    ApiOperation({
      summary: 'Poll a workspace’s state (agents)',
      description:
        'Once the workspace holds a live token, only that workspace’s own bearer passes (an ' +
        'admin or org token does not).',
    }),
    Reply(
      200,
      object({ workspace_id: uuid(), status: str(), paused: bool(), deleted: constant(false) }),
      'The state.',
    ),
    ApiErrors({
      401: ['missing workspace auth token', 'invalid workspace auth token'],
      404: {
        errors: [],
        when: 'Unknown or removed (no `error` key)',
        extra: { workspace_id: uuid(), 'status?': constant('removed'), deleted: constant(true) },
      },
      500: ['query failed', 'auth check failed'],
    }),
  ),
};
