import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse } from '@nestjs/swagger';
import { Reply } from '../common/openapi/responses';
import {
  constant,
  dateTime,
  int,
  mapOf,
  named,
  num,
  object,
  str,
  stringEnum,
} from '../common/openapi/schema';
import { DATABASE_CHECK_TIMEOUT_MS } from './readiness/dependency-checks';

/** One dependency's state in a readiness reply (`@nestjs/terminus`'s indicator shape). */
const DEPENDENCY = named(
  'ReadinessDependency',
  object({
    status: stringEnum(['up', 'degraded', 'down']),
    'message?': str('Why it is not up: a fixed text (the probe is open; detail goes to the logs).'),
    'responseTime?': num('How long the check took, in milliseconds (the database).'),
  }),
);

/** A readiness reply: the same keys whatever the verdict, `status` telling which. */
function readiness(statuses: readonly string[]) {
  return object({
    status: stringEnum(statuses),
    info: mapOf(DEPENDENCY, 'The dependencies up or degraded, by name.'),
    error: mapOf(DEPENDENCY, 'The dependencies down, by name.'),
    details: mapOf(
      DEPENDENCY,
      'Every dependency checked, by name: `database` always; `docker` or `control_plane` ' +
        'when that compute backend is configured.',
    ),
  });
}

export const OperationsApi = {
  health: applyDecorators(
    ApiOperation({
      summary: 'Liveness',
      description: 'Answers as long as the process serves HTTP; checks no dependency.',
      security: [],
    }),
    Reply(200, object({ status: constant('ok') }), 'Alive.'),
  ),
  ready: applyDecorators(
    ApiOperation({
      summary: 'Readiness',
      description:
        'Whether this instance can serve: the database must answer `SELECT 1` within ' +
        `${DATABASE_CHECK_TIMEOUT_MS / 1000} s; ` +
        'the compute backend it drives (the Docker engine, or the control plane) only ' +
        'degrades it, since the API still serves while provisioning fails.',
      security: [],
    }),
    Reply(200, readiness(['ok', 'degraded']), 'Ready (`degraded`: the compute backend is down).'),
    ApiResponse({
      status: 503,
      description:
        'Not ready: the database does not answer (`error`), or shutdown has begun ' +
        '(`shutting_down`). The same body shape as the 200.',
      schema: readiness(['error', 'shutting_down']),
    }),
  ),
  metrics: applyDecorators(
    ApiOperation({ summary: 'Prometheus metrics', security: [] }),
    ApiProduces('text/plain; version=0.0.4; charset=utf-8'),
    Reply(200, { type: 'string' }, 'The text exposition format 0.0.4.'),
  ),
  liveness: applyDecorators(
    ApiOperation({
      summary: 'Background-loop liveness',
      description:
        'The last tick of every background subsystem that ticked since boot; stale is the ' +
        "reader's call (more than twice its interval).",
    }),
    Reply(
      200,
      object({
        subsystems: mapOf(
          object({ last_tick_at: dateTime(), seconds_ago: int() }),
          'By loop name.',
        ),
      }),
      'The loops.',
    ),
  ),
};
