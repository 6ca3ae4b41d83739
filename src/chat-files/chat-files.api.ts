import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiQuery } from '@nestjs/swagger';
import { ApiErrors, Reply } from '../common/openapi/responses';
import { arrayOf, int, object, str } from '../common/openapi/schema';
import { UPLOAD_ERRORS } from './upload-limits';

const UNREACHABLE = 'workspace unreachable';

export const ChatFilesApi = {
  upload: applyDecorators(
    ApiOperation({
      summary: 'Upload chat attachments to a workspace',
      description:
        'Multipart `files` parts (25 MB each, 50 MB in all). Forwarded to the workspace’s ' +
        'ingest endpoint, whose answer is relayed as is; a runtime without one gets the files ' +
        'staged into `/workspace/.molecule/chat-uploads` through the engine.',
    }),
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        properties: { files: { type: 'array', items: { type: 'string', format: 'binary' } } },
        required: ['files'],
      },
    }),
    Reply(
      200,
      object({
        files: arrayOf(
          object({
            uri: str('`workspace:<path>`: what `notify` attachments and downloads name.'),
            name: str(),
            mimeType: str(),
            size: int(),
          }),
        ),
      }),
      'Stored (the ingest endpoint’s own status and body when it answered).',
    ),
    ApiErrors({
      400: [UPLOAD_ERRORS.unparseable, UPLOAD_ERRORS.noFiles, UPLOAD_ERRORS.unreadable],
      404: 'workspace not found',
      413: [
        UPLOAD_ERRORS.declaredTooLarge,
        UPLOAD_ERRORS.tooLarge,
        UPLOAD_ERRORS.fileTooLarge('<name>'),
      ],
      500: ['lookup failed', 'failed to stage files in workspace'],
      502: UNREACHABLE,
      503: {
        errors: [
          'workspace url not registered yet',
          'workspace not yet enrolled in v2 upload (RFC #2312)',
          'workspace container not running',
        ],
        extra: { 'detail?': str() },
      },
    }),
  ),
  download: applyDecorators(
    ApiOperation({
      summary: 'Download a file from a workspace',
      description:
        'From the workspace’s own endpoint (relayed), else read from its container. Credential ' +
        'files are never served.',
    }),
    ApiQuery({
      name: 'path',
      required: true,
      description: 'Absolute, under `/configs`, `/workspace`, `/home` or `/plugins`.',
    }),
    ApiProduces('application/octet-stream'),
    Reply(200, { type: 'string', format: 'binary' }, 'The file, with `Content-Disposition`.'),
    ApiErrors({
      400: [
        'path query required',
        'path must be absolute',
        'path must be under /configs, /workspace, /home, or /plugins',
        'invalid path',
        'path is not a regular file',
      ],
      404: ['workspace not found', 'file not found'],
      500: ['lookup failed', 'failed to read archive'],
      502: UNREACHABLE,
      503: [
        'docker unavailable',
        'workspace container not running',
        'workspace url not registered yet',
      ],
    }),
  ),
};
