import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery } from '@nestjs/swagger';
import { ApiErrors, Reply } from '../../common/openapi/responses';
import { arrayOf, object, str } from '../../common/openapi/schema';
import { IMAGE_RUNTIMES } from '../../provisioner/images/workspace-runtimes';

/** The listing failure as clients see it; the engine's own text is logged, never sent. */
export const CONTAINER_LIST_ERROR = 'container list: listing workspace containers failed';

const RESULT = object({
  pulled: arrayOf(str('Image references pulled.')),
  failed: arrayOf(str()),
  recreated: arrayOf(
    str('Containers removed; the health sweep brings each back on the new image.'),
  ),
});

export const WorkspaceImagesApi = applyDecorators(
  ApiOperation({
    summary: 'Refresh workspace images (Docker mode)',
    description:
      'Pulls the latest runtime images and removes the containers created from them. Exists only ' +
      'with the Docker backend (404 otherwise, before authentication). `?stream=true` streams ' +
      'the progress as NDJSON, the last line being the result (or the error body).',
  }),
  ApiQuery({
    name: 'runtime',
    required: false,
    enum: [...IMAGE_RUNTIMES],
    description: 'Default: all.',
  }),
  ApiQuery({
    name: 'recreate',
    required: false,
    enum: ['true', 'false'],
    description: 'Default `true`.',
  }),
  ApiQuery({ name: 'stream', required: false, enum: ['true'] }),
  ApiProduces('application/json', 'application/x-ndjson'),
  Reply(200, RESULT, 'Refreshed.'),
  ApiErrors({
    400: { errors: ['unknown runtime: <runtime>'], extra: { known_runtimes: arrayOf(str()) } },
    404: { errors: ['not found'], when: 'Not in Docker mode' },
    500: { errors: [CONTAINER_LIST_ERROR], extra: { partial_result: RESULT } },
  }),
);
