import { applyDecorators } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ApiErrors, Reply } from '../../common/openapi/responses';
import {
  arrayOf,
  constant,
  dateTime,
  mapOf,
  named,
  nullable,
  object,
  str,
  stringEnum,
} from '../../common/openapi/schema';

const SECRET_ITEM = named(
  'SecretListItem',
  object(
    {
      key: str(),
      has_value: constant(true),
      scope: stringEnum(['workspace', 'global']),
      created_at: nullable(dateTime()),
      updated_at: nullable(dateTime()),
    },
    'Metadata only: values never leave through a listing.',
  ),
);

const SAVED = object({ status: constant('saved'), key: str() });

export const WorkspaceSecretsApi = {
  list: applyDecorators(
    ApiOperation({
      summary: "List a workspace's secrets (keys only)",
      description: 'Its own keys first, then the global keys it inherits (not overridden).',
    }),
    Reply(200, arrayOf(SECRET_ITEM), 'The keys.'),
    ApiErrors({ 500: 'query failed' }),
  ),
  set: applyDecorators(
    ApiOperation({
      summary: 'Set a workspace secret',
      description: 'Stored encrypted; the workspace restarts to pick it up. PUT and POST alike.',
    }),
    Reply(200, SAVED, 'Saved.'),
    ApiErrors({
      400: 'invalid request body',
      404: 'workspace not found',
      500: ['failed to encrypt secret', 'failed to save secret'],
    }),
  ),
  values: applyDecorators(
    ApiOperation({
      summary: "Pull a workspace's decrypted env (agents)",
      description:
        'Global secrets overlaid with the workspace’s own. Once the workspace holds a live ' +
        'token only its own bearer passes. Never partial: one undecryptable value fails it all.',
    }),
    Reply(200, mapOf(str()), '`{"KEY": "value", …}`.'),
    ApiErrors({
      401: ['missing workspace auth token', 'invalid workspace auth token'],
      500: {
        errors: [
          'one or more secrets failed to decrypt; refusing to return partial bundle',
          'failed to read secrets',
          'auth check failed',
        ],
        extra: { 'failed_keys?': arrayOf(str('`global:<KEY>` or `workspace:<KEY>`.')) },
      },
    }),
  ),
  remove: applyDecorators(
    ApiOperation({ summary: 'Delete a workspace secret', description: 'The workspace restarts.' }),
    Reply(200, object({ status: constant('deleted'), key: str() }), 'Deleted.'),
    ApiErrors({ 404: 'secret not found', 500: 'failed to delete secret' }),
  ),
};

export const ModelApi = {
  get: applyDecorators(
    ApiOperation({ summary: "Read a workspace's model override" }),
    Reply(
      200,
      object({
        model: str('`""` when none is set.'),
        source: stringEnum(['default', 'workspace_secrets']),
      }),
      'The override.',
    ),
    ApiErrors({ 500: ['query failed', 'failed to decrypt'] }),
  ),
  set: applyDecorators(
    ApiOperation({
      summary: "Set or clear a workspace's model override",
      description: 'Kept as the workspace secret `MODEL_PROVIDER`; the workspace restarts.',
    }),
    Reply(
      200,
      {
        oneOf: [
          object({ status: constant('saved'), model: str() }),
          object({ status: constant('cleared') }),
        ],
      },
      'Saved or cleared.',
    ),
    ApiErrors({
      400: 'invalid request body',
      404: 'workspace not found',
      500: ['failed to encrypt model', 'failed to save model', 'failed to clear model'],
    }),
  ),
};

const GLOBAL_SCOPE = { key: str(), scope: constant('global') };

export const GlobalSecretsApi = {
  list: applyDecorators(
    ApiOperation({ summary: 'List global secrets (keys only)' }),
    Reply(200, arrayOf(SECRET_ITEM), 'The keys.'),
    ApiErrors({ 500: 'query failed' }),
  ),
  set: applyDecorators(
    ApiOperation({
      summary: 'Set a global secret',
      description:
        'Every workspace inheriting it (running, not external, no own secret of that key) restarts.',
    }),
    Reply(200, object({ status: constant('saved'), ...GLOBAL_SCOPE }), 'Saved.'),
    ApiErrors({ 400: 'invalid request body', 500: ['failed to encrypt', 'failed to save'] }),
  ),
  remove: applyDecorators(
    ApiOperation({ summary: 'Delete a global secret', description: 'Its inheritors restart.' }),
    Reply(200, object({ status: constant('deleted'), ...GLOBAL_SCOPE }), 'Deleted.'),
    ApiErrors({ 404: 'secret not found', 500: 'failed to delete' }),
  ),
};
