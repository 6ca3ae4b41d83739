import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import { ApiErrors, Reply } from '../../common/openapi/responses';
import {
  anyJson,
  arrayOf,
  int,
  mapOf,
  named,
  object,
  ReferenceObject,
  str,
  stringEnum,
  uuid,
} from '../../common/openapi/schema';

const BUNDLE_REF: ReferenceObject = { $ref: '#/components/schemas/Bundle' };

const BUNDLE = named(
  'Bundle',
  object(
    {
      schema: str('`1.0`.'),
      id: str('The exported workspace’s id.'),
      name: str(),
      description: str('The workspace’s role.'),
      tier: int(),
      model: str(),
      runtime: str(),
      system_prompt: str('`system-prompt.md`.'),
      skills: arrayOf(
        object({
          id: str(),
          name: str(),
          description: str(),
          files: mapOf(str(), 'Path → content.'),
        }),
      ),
      tools: arrayOf(object({ id: str(), config: anyJson() })),
      prompts: mapOf(str(), 'e.g. `{"config.yaml": "…"}`.'),
      sub_workspaces: arrayOf(BUNDLE_REF),
      agent_card: anyJson(),
      author: str(),
      version: str(),
    },
    'A portable description of a workspace tree: every key is present on export.',
  ),
);

const IMPORT_RESULT_REF: ReferenceObject = { $ref: '#/components/schemas/BundleImportResult' };
const IMPORT_RESULT = named(
  'BundleImportResult',
  object({
    workspace_id: uuid(),
    name: str(),
    status: stringEnum(['provisioning', 'failed']),
    'children?': arrayOf(IMPORT_RESULT_REF),
  }),
);

export const BundlesApi = {
  export: applyDecorators(
    ApiOperation({
      summary: 'Export a workspace tree as a bundle',
      description: 'Config files come from the running container, else from the matching template.',
    }),
    Reply(200, BUNDLE, 'The bundle.'),
    ApiErrors({ 404: 'bundle not found', 500: 'failed to export bundle' }),
  ),
  import: applyDecorators(
    ApiOperation({
      summary: 'Import a bundle as new workspaces',
      description:
        'Creates the tree (at most 500 nodes, 16 deep) in one transaction, then provisions it.',
    }),
    ApiBody({ schema: BUNDLE }),
    Reply(201, IMPORT_RESULT, 'Imported.'),
    ApiErrors({ 400: 'invalid bundle', 500: 'failed to import bundle' }),
  ),
};
