import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import { ApiErrors, Reply } from '../common/openapi/responses';
import { arrayOf, dateTime, int, object, SchemaObject, str, uuid } from '../common/openapi/schema';

/** A variable name, or `{"any_of": [...]}` when one of several will do. */
const ENV_REQUIREMENT: SchemaObject = {
  oneOf: [str(), object({ any_of: arrayOf(str()) })],
};

export const OrgApi = {
  templates: applyDecorators(
    ApiOperation({
      summary: 'List org templates',
      description: 'Every readable template under the org templates directory.',
    }),
    Reply(
      200,
      arrayOf(
        object({
          dir: str(),
          name: str(),
          description: str(),
          workspaces: int('How many workspaces it creates.'),
          required_env: arrayOf(ENV_REQUIREMENT),
          recommended_env: arrayOf(ENV_REQUIREMENT),
        }),
      ),
      'The templates.',
    ),
  ),
  import: applyDecorators(
    ApiOperation({
      summary: 'Import an org template',
      description:
        'Creates its whole workspace tree (with schedules, secrets and seed memories) in one ' +
        'transaction, then provisions it. Refused while a required variable is not a global secret.',
    }),
    Reply(
      201,
      object({
        org: str('The template’s name.'),
        workspaces: arrayOf(object({ id: uuid(), name: str(), tier: int() })),
        count: int(),
      }),
      'Imported.',
    ),
    ApiErrors({
      400: {
        errors: [
          'invalid request body',
          "provide 'dir' or 'template'",
          'invalid org directory',
          'invalid org template',
          'org template expansion failed',
          '<why the tree cannot be planned>',
        ],
        extra: { 'org?': str(), 'workspaces?': arrayOf(object({})), 'count?': int() },
      },
      404: 'org template not found',
      412: {
        errors: ['missing required environment variables'],
        extra: {
          missing_env: arrayOf(ENV_REQUIREMENT),
          required_env: arrayOf(ENV_REQUIREMENT),
          template: str(),
          suggestion: str(),
        },
      },
      500: {
        errors: [
          'failed to create <workspace name>',
          'could not verify required environment variables; try again',
        ],
        extra: { 'org?': str(), 'workspaces?': arrayOf(object({})), 'count?': int() },
      },
    }),
  ),
};

export const OrgTokensApi = {
  list: applyDecorators(
    ApiOperation({ summary: 'List live org API tokens' }),
    Reply(
      200,
      object({
        tokens: arrayOf(
          object({
            id: uuid(),
            prefix: str('The first 8 characters.'),
            'name?': str(),
            'org_id?': str(),
            'created_by?': str('`admin-token`, `org-token:<prefix>`, `session`, …'),
            created_at: dateTime(),
            'last_used_at?': dateTime(),
          }),
        ),
        count: int(),
      }),
      'The tokens (never their plaintext).',
    ),
    ApiErrors({ 500: 'failed to list tokens' }),
  ),
  mint: applyDecorators(
    ApiOperation({
      summary: 'Mint an org API token',
      description:
        'Full admin over the tenant. At most 10 mints per client IP an hour, on top of the ' +
        'global limit (own `X-RateLimit-*` headers). The body is optional and lenient.',
    }),
    ApiBody({ required: false, schema: object({ 'name?': str('At most 100 characters.') }) }),
    Reply(
      200,
      object({
        id: uuid(),
        prefix: str(),
        'name?': str(),
        auth_token: str('Shown once.'),
        warning: str(),
      }),
      'Minted.',
    ),
    ApiErrors({
      400: 'name too long (max 100 chars)',
      429: { errors: ['rate limit exceeded'], extra: { retry_after: int('Seconds.') } },
      500: 'failed to mint token',
    }),
  ),
  revoke: applyDecorators(
    ApiOperation({ summary: 'Revoke an org API token' }),
    Reply(200, object({ revoked: str('The token id.') }), 'Revoked.'),
    ApiErrors({ 404: 'token not found or already revoked', 500: 'failed to revoke' }),
  ),
};
