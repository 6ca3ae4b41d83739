import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { ApiErrors, Reply } from '../common/openapi/responses';
import {
  anyJson,
  arrayOf,
  constant,
  dateTime,
  int,
  named,
  nullable,
  object,
  str,
  stringEnum,
  uuid,
} from '../common/openapi/schema';
import { INVALID_ACTIVITY_TYPE } from './activity-types';

const ACTIVITY = named(
  'ActivityEntry',
  object({
    id: uuid(),
    workspace_id: uuid(),
    activity_type: str(),
    source_id: nullable(str('The calling workspace; `null` for the canvas.')),
    target_id: nullable(str()),
    method: nullable(str()),
    summary: nullable(str()),
    duration_ms: nullable(int()),
    status: nullable(str()),
    error_detail: nullable(str()),
    created_at: dateTime(),
    'request_body?': anyJson('Present when stored.'),
    'response_body?': anyJson('Present when stored.'),
    'tool_trace?': anyJson('Present when stored.'),
  }),
);

export const ActivityApi = {
  report: applyDecorators(
    ApiOperation({
      summary: 'Append to a workspace’s activity log (agents)',
      description: 'Broadcast as `ACTIVITY_LOGGED`; a workspace token may only report as itself.',
    }),
    Reply(200, object({ status: constant('logged') }), 'Logged.'),
    ApiErrors({
      400: ['invalid request body', INVALID_ACTIVITY_TYPE],
      403: 'source_id must match authenticated workspace',
      500: 'failed to log activity',
    }),
  ),
  list: applyDecorators(
    ApiOperation({ summary: 'Read a workspace’s activity log', description: 'Newest first.' }),
    ApiQuery({ name: 'type', required: false, description: 'Exact `activity_type`.' }),
    ApiQuery({
      name: 'source',
      required: false,
      enum: ['canvas', 'agent'],
      description: '`canvas`: rows without a source; `agent`: rows with one.',
    }),
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', default: 100, maximum: 500 },
      description: 'Not a positive integer → 100.',
    }),
    ApiQuery({
      name: 'since_secs',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 2_592_000 },
      description: 'Only the last N seconds (at most 30 days).',
    }),
    Reply(200, arrayOf(ACTIVITY), 'The entries.'),
    ApiErrors({
      400: ["source must be 'canvas' or 'agent'", 'since_secs must be a positive integer'],
      500: 'query failed',
    }),
  ),
  notify: applyDecorators(
    ApiOperation({
      summary: 'Push an agent message to the canvas chat',
      description:
        'Broadcast as `AGENT_MESSAGE` and logged; attachments are files the agent uploaded. The ' +
        'id is not pre-validated: a malformed one is a 404 like any unknown workspace.',
    }),
    Reply(200, object({ status: constant('sent') }), 'Sent.'),
    ApiErrors({
      400: ['message is required', 'attachment[<i>]: uri and name are required'],
      404: 'workspace not found',
    }),
  ),
  sessionSearch: applyDecorators(
    ApiOperation({
      summary: 'Search a workspace’s past sessions',
      description:
        'Case-insensitive substring search over its activity and memories, newest first.',
    }),
    ApiQuery({ name: 'q', required: false, description: 'Empty: everything.' }),
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', default: 50, maximum: 200 },
    }),
    Reply(
      200,
      arrayOf(
        object({
          kind: stringEnum(['activity', 'memory']),
          id: uuid(),
          workspace_id: uuid(),
          label: str('The activity type or the memory scope.'),
          content: str(),
          method: str(),
          status: str(),
          created_at: nullable(dateTime()),
          'request_body?': anyJson('Present when stored.'),
          'response_body?': anyJson('Present when stored.'),
        }),
      ),
      'The hits.',
    ),
    ApiErrors({ 500: 'session search failed' }),
  ),
};
