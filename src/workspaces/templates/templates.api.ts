import { applyDecorators } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { Reply } from '../../common/openapi/responses';
import { arrayOf, int, nullable, object, str } from '../../common/openapi/schema';

export const TemplatesApi = applyDecorators(
  ApiOperation({
    summary: 'List workspace templates',
    description: 'Each directory under `CONFIGS_DIR` with a readable `config.yaml`, read fresh.',
  }),
  Reply(
    200,
    arrayOf(
      object({
        id: str('The directory name.'),
        name: str(),
        description: str(),
        tier: int(),
        runtime: str(),
        model: str(),
        'models?': arrayOf(object({ id: str(), 'name?': str(), 'required_env?': arrayOf(str()) })),
        'required_env?': arrayOf(str()),
        skills: nullable(arrayOf(str())),
        skill_count: int(),
        'provision_timeout_seconds?': int(),
      }),
    ),
    'The templates.',
  ),
);
