import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces } from '@nestjs/swagger';
import { anyOf } from '../common/openapi/auth-docs';
import { ApiErrors, Reply } from '../common/openapi/responses';
import {
  anyJson,
  arrayOf,
  dateTime,
  named,
  nullable,
  object,
  str,
  uuid,
} from '../common/openapi/schema';

const EVENT_ROW = named(
  'StructureEvent',
  object({
    id: uuid(),
    event_type: str('e.g. `WORKSPACE_ONLINE`, `WORKSPACE_PROVISIONING`, `A2A_RESPONSE`.'),
    workspace_id: nullable(uuid()),
    payload: anyJson(),
    created_at: dateTime(),
  }),
);

export const EventsApi = {
  all: applyDecorators(
    ApiOperation({
      summary: 'Recent structure events',
      description: 'The last 100 recorded events, newest first (broadcast-only ones are not kept).',
    }),
    Reply(200, arrayOf(EVENT_ROW), 'The events.'),
    ApiErrors({ 500: 'query failed' }),
  ),
  forWorkspace: applyDecorators(
    ApiOperation({
      summary: 'Recent structure events of one workspace',
      description: 'The last 100.',
    }),
    Reply(200, arrayOf(EVENT_ROW), 'The events.'),
    ApiErrors({ 500: 'query failed' }),
  ),
  stream: applyDecorators(
    ApiOperation({
      summary: 'Stream one workspace’s events (SSE)',
      description:
        'A `: ping` comment, then one `data: {"type", "timestamp", "data"}` frame per event (AG-UI ' +
        'style; `timestamp` in epoch milliseconds). A reader too slow to keep up loses events.',
    }),
    ApiProduces('text/event-stream'),
    Reply(200, { type: 'string' }, 'The event stream (open until the client leaves).'),
    ApiErrors({ 404: 'workspace not found', 500: 'failed to verify workspace' }),
  ),
  ws: applyDecorators(
    ApiOperation({
      summary: 'Event WebSocket (upgrade only)',
      description:
        'Upgrade with `Connection: Upgrade` to receive every event envelope ' +
        '`{"event", "workspace_id", "timestamp", "payload"}` as a text frame. The canvas connects ' +
        'without credentials; an agent names itself in `X-Workspace-ID` with its own token once ' +
        'it has one. A browser origin must pass CORS. A plain GET answers 400 after the ' +
        'credential check.',
      security: [...anyOf('workspace'), {}],
    }),
    ApiHeader({ name: 'X-Workspace-ID', required: false, description: 'An agent subscribing.' }),
    Reply(101, undefined, 'Switching protocols (WebSocket).'),
    ApiErrors({
      400: {
        errors: ['invalid workspace ID'],
        when: 'A malformed `X-Workspace-ID`; a plain GET that passes answers `Bad Request` (text/plain)',
      },
      401: ['missing workspace auth token', 'invalid workspace auth token'],
      403: {
        errors: [],
        text: 'Forbidden',
        when: 'At the upgrade, an origin CORS_ORIGINS does not list',
      },
      500: 'auth check failed',
    }),
  ),
};
