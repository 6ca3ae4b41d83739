import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import { ApiErrors, Reply } from '../../common/openapi/responses';
import { constant, num, object } from '../../common/openapi/schema';

const VIEWPORT = object({ x: num(), y: num(), zoom: num() });

export const ViewportApi = {
  get: applyDecorators(
    ApiOperation({
      summary: 'Read the canvas viewport',
      description:
        'Open: the canvas reads it before it holds a credential. `{0, 0, 1}` until saved.',
      security: [],
    }),
    Reply(200, VIEWPORT, 'The viewport.'),
  ),
  save: applyDecorators(
    ApiOperation({
      summary: 'Save the canvas viewport',
      description: 'Open on a fresh install; omitted numbers are saved as 0.',
    }),
    ApiBody({ schema: object({ 'x?': num(), 'y?': num(), 'zoom?': num() }) }),
    Reply(200, object({ status: constant('saved') }), 'Saved.'),
    ApiErrors({ 400: 'invalid viewport data', 500: 'failed to save viewport' }),
  ),
};
