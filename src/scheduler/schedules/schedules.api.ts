import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiOperation } from '@nestjs/swagger';
import { anyOf, PLATFORM_UNAVAILABLE } from '../../common/openapi/auth-docs';
import { ApiErrors, Reply } from '../../common/openapi/responses';
import {
  anyJson,
  arrayOf,
  bool,
  constant,
  dateTime,
  int,
  named,
  nullable,
  object,
  str,
  stringEnum,
  uuid,
} from '../../common/openapi/schema';
import { MAX_PROMPT_BYTES } from './schedules.service';

const RUN = {
  last_run_at: nullable(dateTime()),
  next_run_at: nullable(dateTime()),
  run_count: int(),
  last_status: str('`ok`, `queued`, `error`, … (`""` before the first fire).'),
  last_error: str(),
};

const SCHEDULE = named(
  'Schedule',
  object({
    id: uuid(),
    workspace_id: uuid(),
    name: str(),
    cron_expr: str(),
    timezone: str(),
    prompt: str(),
    enabled: bool(),
    ...RUN,
    source: str('`runtime` (created through this API) or `template` (by an org import).'),
    created_at: dateTime(),
    updated_at: dateTime(),
  }),
);

const NOT_FOUND = 'schedule not found';
const INVALID = [
  'invalid request body',
  'invalid timezone: <zone>',
  `prompt is too long (at most ${MAX_PROMPT_BYTES} bytes)`,
];
const INVALID_EXTRA = { 'detail?': str('Why the cron expression was refused.') };

export const SchedulesApi = {
  list: applyDecorators(
    ApiOperation({ summary: 'List a workspace’s schedules' }),
    Reply(200, arrayOf(SCHEDULE), 'The schedules.'),
    ApiErrors({ 500: 'failed to query schedules' }),
  ),
  create: applyDecorators(
    ApiOperation({
      summary: 'Create a schedule',
      description: 'Fires `prompt` into the workspace at each cron time (in `timezone`).',
    }),
    Reply(
      201,
      object({ id: uuid(), status: constant('created'), next_run_at: nullable(dateTime()) }),
      'Created.',
    ),
    ApiErrors({
      400: { errors: ['cron_expr and prompt are required', ...INVALID], extra: INVALID_EXTRA },
      404: 'workspace not found',
      409: 'a schedule with this name already exists in this workspace',
      500: 'failed to create schedule',
    }),
  ),
  update: applyDecorators(
    ApiOperation({
      summary: 'Update a schedule',
      description: 'Any subset of the fields; re-enabling or a new cron recomputes the next run.',
    }),
    Reply(200, object({ status: constant('updated') }), 'Updated.'),
    ApiErrors({
      400: {
        errors: ['invalid JSON', 'prompt must not be empty', ...INVALID],
        extra: INVALID_EXTRA,
      },
      404: NOT_FOUND,
      409: 'a schedule with this name already exists in this workspace',
      500: 'failed to update schedule',
    }),
  ),
  remove: applyDecorators(
    ApiOperation({ summary: 'Delete a schedule' }),
    Reply(200, object({ status: constant('deleted') }), 'Deleted.'),
    ApiErrors({ 404: NOT_FOUND, 500: 'failed to delete schedule' }),
  ),
  runNow: applyDecorators(
    ApiOperation({
      summary: 'Fire a schedule now',
      description: 'Sends its prompt in the background; the next scheduled run is unchanged.',
    }),
    Reply(
      200,
      object({ status: constant('fired'), workspace_id: uuid(), prompt: str() }),
      'Fired.',
    ),
    ApiErrors({ 404: NOT_FOUND, 500: 'failed to read schedule' }),
  ),
  history: applyDecorators(
    ApiOperation({ summary: 'A schedule’s recent fires', description: 'Newest first.' }),
    Reply(
      200,
      arrayOf(
        object({
          timestamp: dateTime(),
          duration_ms: nullable(int()),
          status: nullable(str()),
          error_detail: str(),
          request: anyJson('The A2A request sent.'),
        }),
      ),
      'The fires (`[]` for an unknown schedule).',
    ),
    ApiErrors({ 500: 'failed to query history' }),
  ),
};

export const ScheduleHealthApi = {
  peer: applyDecorators(
    ApiOperation({
      summary: 'A workspace’s schedule health, as a peer sees it',
      description:
        'For a workspace the hierarchy lets talk to it (or itself): no prompt, cron or zone. ' +
        'The caller names itself in `X-Workspace-ID`, with its own token once it has one.',
      security: [...anyOf('workspace'), {}],
    }),
    ApiHeader({ name: 'X-Workspace-ID', required: true, description: 'The asking workspace.' }),
    Reply(
      200,
      arrayOf(object({ id: uuid(), name: str(), enabled: bool(), ...RUN })),
      'The schedules.',
    ),
    ApiErrors({
      401: [
        'X-Workspace-ID header required',
        'missing caller auth token',
        'invalid caller auth token',
      ],
      403: ['invalid caller ID', 'access denied'],
      500: 'failed to query schedules',
      503: PLATFORM_UNAVAILABLE,
    }),
  ),
  admin: applyDecorators(
    ApiOperation({
      summary: 'Every enabled schedule’s health',
      description: '`stale` when the last run is more than twice the cron interval ago.',
    }),
    Reply(
      200,
      arrayOf(
        object({
          workspace_id: uuid(),
          workspace_name: str(),
          schedule_id: uuid(),
          schedule_name: str(),
          cron_expr: str(),
          last_run_at: nullable(dateTime()),
          expected_next_run: nullable(dateTime()),
          status: stringEnum(['never_run', 'stale', 'ok']),
          stale_threshold_seconds: int(),
        }),
      ),
      'The schedules.',
    ),
    ApiErrors({ 500: 'failed to query schedules' }),
  ),
};
