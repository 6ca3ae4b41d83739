import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { ApiErrors, Reply } from '../common/openapi/responses';
import {
  arrayOf,
  bool,
  constant,
  freeObject,
  int,
  mapOf,
  object,
  str,
  stringEnum,
  uuid,
} from '../common/openapi/schema';
import { FILE_ROOTS, ROOT_ERROR } from './file-paths';
import { MAX_FILES_PER_REQUEST } from './folder-body';

const ROOT_QUERY = ApiQuery({
  name: 'root',
  required: false,
  enum: [...FILE_ROOTS],
  description: 'Default `/configs`.',
});
const FOLDER = object({
  files: mapOf(str(), `Relative path → content; at most ${MAX_FILES_PER_REQUEST} files, 32 MiB.`),
});
const FOLDER_400 = ['invalid request body', `too many files (<n>), max ${MAX_FILES_PER_REQUEST}`];
const NOT_REMOTE = 'remote file access not available';

export const FilesApi = {
  list: applyDecorators(
    ApiOperation({
      summary: 'List a workspace’s files',
      description:
        'From the running container, else its config volume (`/configs`), else its template.',
    }),
    ROOT_QUERY,
    ApiQuery({ name: 'path', required: false, description: 'A directory under the root.' }),
    ApiQuery({
      name: 'depth',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 5, default: 1 },
    }),
    Reply(
      200,
      arrayOf(object({ path: str(), size: int(), dir: bool() })),
      'The entries (credential files are never listed).',
    ),
    ApiErrors({
      400: [ROOT_ERROR, 'invalid path', 'depth must be 1-5'],
      404: 'workspace not found',
      500: 'lookup failed',
    }),
  ),
  writeMany: applyDecorators(
    ApiOperation({
      summary: 'Replace a workspace’s config files',
      description: 'Writes the folder into `/configs` (running container or config volume).',
    }),
    ApiBody({ schema: FOLDER }),
    Reply(
      200,
      object({
        status: constant('replaced'),
        workspace: uuid(),
        files: int(),
        source: stringEnum(['container', 'volume', 'ec2-ssh']),
      }),
      'Written.',
    ),
    ApiErrors({
      400: [...FOLDER_400, 'invalid path'],
      404: 'workspace not found',
      500: ['failed to write files to workspace', `failed to write file <path>: ${NOT_REMOTE}`],
    }),
  ),
  read: applyDecorators(
    ApiOperation({ summary: 'Read one file of a workspace' }),
    ROOT_QUERY,
    Reply(200, object({ path: str(), content: str(), size: int() }), 'The file.'),
    ApiErrors({
      400: [ROOT_ERROR, 'invalid path'],
      404: [
        'workspace not found',
        'file not found',
        'file not found (container offline, no template)',
      ],
      413: 'file too large',
      500: 'lookup failed',
    }),
  ),
  write: applyDecorators(
    ApiOperation({
      summary: 'Write one file under `/configs`',
      description: 'Credential files (`.auth_token`, …) cannot be written.',
    }),
    ApiBody({ schema: object({ 'content?': str('Default `""`.') }) }),
    Reply(200, object({ status: constant('saved'), path: str() }), 'Saved.'),
    ApiErrors({
      400: ['invalid path', 'invalid request body'],
      404: 'workspace not found',
      500: [
        'failed to write file: docker not available',
        'failed to write file: copy into workspace failed',
        `failed to write file: ${NOT_REMOTE}`,
      ],
    }),
  ),
  remove: applyDecorators(
    ApiOperation({ summary: 'Delete one file under `/configs`' }),
    Reply(200, object({ status: constant('deleted'), path: str() }), 'Deleted.'),
    ApiErrors({
      400: ['invalid path', 'absolute paths not permitted'],
      404: ['workspace not found', 'file not found'],
      500: ['failed to delete: docker not available', 'failed to delete: remove failed'],
    }),
  ),
  removeNothing: applyDecorators(
    ApiOperation({
      summary: 'Delete the empty path (always refused)',
      description: '`DELETE …/files/` names no file.',
    }),
    Reply(200, undefined, 'Never answered.'),
    ApiErrors({ 400: 'invalid path', 404: 'not found' }),
  ),
};

export const SharedContextApi = applyDecorators(
  ApiOperation({
    summary: 'The files a workspace shares with its children',
    description: 'Those its `config.yaml` lists under `shared_context`, read where `/files` reads.',
  }),
  Reply(200, arrayOf(object({ path: str(), content: str() })), 'The files.'),
  ApiErrors({ 404: 'workspace not found', 500: 'lookup failed' }),
);

export const WorkspaceConfigApi = {
  get: applyDecorators(
    ApiOperation({
      summary: 'A workspace’s JSON config blob',
      description: 'Not its `config.yaml`.',
    }),
    Reply(200, object({ data: freeObject() }), 'The config (`{}` when none was stored).'),
    ApiErrors({ 404: 'workspace not found', 500: 'query failed' }),
  ),
  patch: applyDecorators(
    ApiOperation({
      summary: 'Merge keys into a workspace’s JSON config blob',
      description: 'Top-level keys replace the stored ones; at most 256 KiB.',
    }),
    ApiBody({ schema: freeObject() }),
    Reply(200, object({ status: constant('updated') }), 'Merged.'),
    ApiErrors({
      400: 'invalid JSON',
      404: 'workspace not found',
      413: 'body too large or unreadable',
      500: 'failed to update config',
    }),
  ),
};

export const TemplateImportApi = applyDecorators(
  ApiOperation({
    summary: 'Import an agent folder as a workspace template',
    description:
      'Creates `<CONFIGS_DIR>/<slug of name>` with the files (a `config.yaml` is generated when absent).',
  }),
  ApiBody({ schema: object({ name: str(), ...FOLDER.properties }) }),
  Reply(
    201,
    object({ status: constant('imported'), id: str('The directory.'), name: str() }),
    'Imported.',
  ),
  ApiErrors({
    400: FOLDER_400,
    409: { errors: ['template already exists'], extra: { id: str() } },
    500: ['failed to create template directory', 'failed to write <path>'],
  }),
);
