import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { ApiErrors, Reply } from '../../common/openapi/responses';
import {
  arrayOf,
  constant,
  dateTime,
  int,
  nullable,
  object,
  str,
  uuid,
} from '../../common/openapi/schema';

const MINTED = {
  auth_token: str('43 characters, base64url; shown once.'),
  workspace_id: uuid(),
};

export const WorkspaceTokensApi = {
  list: applyDecorators(
    ApiOperation({ summary: "List a workspace's live tokens", description: 'Newest first.' }),
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    }),
    ApiQuery({
      name: 'offset',
      required: false,
      schema: { type: 'integer', minimum: 0, default: 0 },
    }),
    Reply(
      200,
      object({
        tokens: arrayOf(
          object({
            id: uuid(),
            prefix: str('The first 8 characters.'),
            created_at: dateTime(),
            last_used_at: nullable(dateTime()),
          }),
        ),
        count: int(),
      }),
      'The tokens (never their plaintext).',
    ),
    ApiErrors({ 500: 'failed to list tokens' }),
  ),
  create: applyDecorators(
    ApiOperation({
      summary: 'Mint a workspace token',
      description: 'At most 50 live per workspace.',
    }),
    Reply(201, object({ ...MINTED, message: str() }), 'Minted.'),
    ApiErrors({
      404: 'workspace not found',
      429: 'maximum 50 active tokens per workspace',
      500: 'failed to create token',
    }),
  ),
  revoke: applyDecorators(
    ApiOperation({ summary: 'Revoke a workspace token' }),
    Reply(200, object({ status: constant('revoked') }), 'Revoked.'),
    ApiErrors({ 404: 'token not found or already revoked', 500: 'failed to revoke token' }),
  ),
};

export const TestTokenApi = applyDecorators(
  ApiOperation({
    summary: 'Mint a workspace token for test and bootstrap scripts',
    description:
      'Hidden (404) when `MOLECULE_ENV` is `production` unless `MOLECULE_ENABLE_TEST_TOKENS=1`. ' +
      'With `ADMIN_TOKEN` set, the `Authorization` header must carry it; without, no credential ' +
      'is asked. Existing tokens stay live.',
    security: [{ admin: [] }, {}],
  }),
  Reply(200, object(MINTED), 'Minted.'),
  ApiErrors({
    400: 'invalid workspace ID',
    401: 'admin auth required',
    404: ['not found', 'workspace not found'],
    500: ['lookup failed', 'token issue failed'],
  }),
);
