import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiProduces } from '@nestjs/swagger';
import { Reply } from '../common/openapi/responses';
import { constant, dateTime, int, mapOf, object } from '../common/openapi/schema';

export const OperationsApi = {
  health: applyDecorators(
    ApiOperation({
      summary: 'Liveness',
      description: 'Answers as long as the process serves HTTP; checks no dependency.',
      security: [],
    }),
    Reply(200, object({ status: constant('ok') }), 'Alive.'),
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
