import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProduces, ApiQuery } from '@nestjs/swagger';
import { ApiErrors, ErrorSpec, Reply } from '../common/openapi/responses';
import { InstallPluginDto } from './workspace/dto/install-plugin.dto';
import {
  arrayOf,
  bool,
  constant,
  named,
  nullable,
  object,
  str,
  uuid,
} from '../common/openapi/schema';

const PLUGIN = named(
  'Plugin',
  object({
    name: str(),
    version: str(),
    description: str(),
    author: str(),
    tags: nullable(arrayOf(str())),
    skills: nullable(arrayOf(str())),
    runtimes: nullable(arrayOf(str('Runtimes it supports; `null`/empty = any.'))),
    'supported_on_runtime?': bool('Whether it supports the workspace’s runtime.'),
  }),
);

const SOURCE = { source: str('The source as requested.') };

/** How staging a plugin from its source can fail (install and download alike). */
const STAGING_ERRORS: Readonly<Record<number, ErrorSpec>> = {
  400: {
    errors: [
      'invalid request body',
      '\'source\' is required (e.g. "local://my-plugin" or "github://owner/repo")',
      'invalid plugin source',
      'failed to resolve plugin source',
      'invalid plugin name',
      'resolver returned invalid plugin name',
    ],
    extra: { 'source?': str(), 'available_schemes?': arrayOf(str()) },
  },
  404: {
    errors: ['failed to fetch plugin from <scheme>', 'workspace not found'],
    extra: { 'source?': str() },
  },
  413: { errors: ['staged plugin exceeds size limit'], extra: SOURCE },
  422: {
    errors: [
      'unpinned github source: append a tag or commit SHA (e.g. "github://owner/repo#v1.2.0"). Set PLUGIN_ALLOW_UNPINNED=true to override',
      'plugin archive contains unsafe entries',
      'plugin manifest integrity check failed',
      'sha256 check failed: plugin.yaml not found in staged plugin',
      'sha256 mismatch: expected <sha256>, got <digest>',
    ],
    extra: SOURCE,
  },
  502: { errors: ['failed to fetch plugin from <scheme>'], extra: SOURCE },
  504: {
    errors: ['failed to fetch plugin from <scheme>'],
    extra: SOURCE,
    when: 'The fetch deadline passed',
  },
};

export const PluginsApi = {
  list: applyDecorators(
    ApiOperation({ summary: 'The plugin registry', security: [] }),
    ApiQuery({ name: 'runtime', required: false, description: 'Only plugins supporting it.' }),
    Reply(200, arrayOf(PLUGIN), 'The plugins.'),
  ),
  sources: applyDecorators(
    ApiOperation({ summary: 'The plugin source schemes this server resolves', security: [] }),
    Reply(200, object({ schemes: arrayOf(str('e.g. `local`, `github`.')) }), 'The schemes.'),
  ),
};

export const WorkspacePluginsApi = {
  list: applyDecorators(
    ApiOperation({ summary: 'Plugins installed in a workspace' }),
    Reply(200, arrayOf(PLUGIN), 'The plugins (`[]` when the container is not running).'),
    ApiErrors({
      404: 'workspace not found',
      500: ['lookup failed', 'failed to list installed plugins'],
    }),
  ),
  available: applyDecorators(
    ApiOperation({
      summary: 'Registry plugins, marked with whether the workspace’s runtime supports them',
    }),
    Reply(200, arrayOf(PLUGIN), 'The plugins.'),
    ApiErrors({ 404: 'workspace not found', 500: 'lookup failed' }),
  ),
  compatibility: applyDecorators(
    ApiOperation({ summary: 'Whether the installed plugins support another runtime' }),
    ApiQuery({ name: 'runtime', required: true }),
    Reply(
      200,
      object({
        target_runtime: str(),
        compatible: arrayOf(PLUGIN),
        incompatible: arrayOf(PLUGIN),
        all_compatible: bool(),
      }),
      'The verdict.',
    ),
    ApiErrors({
      400: 'runtime query parameter is required',
      404: 'workspace not found',
      500: 'lookup failed',
    }),
  ),
  install: applyDecorators(
    ApiOperation({
      summary: 'Install a plugin into a workspace',
      description:
        'Stages it from its source (checked against `sha256` when given, and against the org ' +
        'allowlist), copies it into `/configs/plugins` and restarts the workspace. The body is ' +
        'capped at `PLUGIN_INSTALL_BODY_MAX_BYTES` (an oversized one is a 400).',
    }),
    ApiBody({ type: InstallPluginDto }),
    Reply(
      200,
      object({ status: constant('installed'), plugin: str(), source: str() }),
      'Installed.',
    ),
    ApiErrors({
      ...STAGING_ERRORS,
      403: 'plugin "<name>" is not in the org allowlist',
      500: [
        'plugin install failed',
        'failed to create staging dir',
        'failed to copy plugin to container',
        'failed to pack plugin',
      ],
      503: 'workspace container not running',
    }),
  ),
  uninstall: applyDecorators(
    ApiOperation({ summary: 'Uninstall a plugin', description: 'The workspace restarts.' }),
    Reply(200, object({ status: constant('uninstalled'), plugin: str() }), 'Uninstalled.'),
    ApiErrors({
      400: 'invalid plugin name',
      404: 'workspace not found',
      500: ['failed to remove plugin', 'lookup failed'],
      503: 'workspace container not running',
    }),
  ),
  download: applyDecorators(
    ApiOperation({
      summary: 'Download a plugin as a tar.gz (runtime)',
      description:
        'Staged from `source` (default: the registry’s `local://<name>`); `X-Plugin-Name` and ' +
        '`X-Plugin-Source` say what was packed.',
    }),
    ApiQuery({ name: 'source', required: false }),
    ApiProduces('application/gzip'),
    Reply(200, { type: 'string', format: 'binary' }, 'The archive.'),
    ApiErrors({
      ...STAGING_ERRORS,
      400: {
        errors: [
          'invalid plugin name',
          'source resolved to plugin "<staged>" but URL requested "<name>"',
          'invalid plugin source',
          'failed to resolve plugin source',
        ],
        extra: { 'source?': str() },
      },
      500: {
        errors: ['plugin deliver failed', 'failed to pack plugin'],
        extra: { 'plugin?': str() },
      },
    }),
  ),
};

const ALLOWLIST = object({
  org_id: uuid(),
  plugins: nullable(arrayOf(str())),
  allow_all: bool('An empty list allows every plugin.'),
});

export const OrgPluginAllowlistApi = {
  get: applyDecorators(
    ApiOperation({
      summary: 'An org’s plugin allowlist',
      description: 'An org token anchored to another org is refused.',
    }),
    Reply(200, ALLOWLIST, 'The allowlist.'),
    ApiErrors({
      403: 'org access denied',
      404: 'org not found',
      500: ['failed to fetch allowlist', 'failed to verify org'],
    }),
  ),
  put: applyDecorators(
    ApiOperation({ summary: 'Replace an org’s plugin allowlist' }),
    Reply(200, ALLOWLIST, 'The new allowlist (the list as sent).'),
    ApiErrors({
      400: {
        errors: ['invalid request body', 'enabled_by is required', 'invalid plugin name'],
        extra: { 'plugin_name?': str(), 'detail?': str() },
      },
      403: 'org access denied',
      404: 'org not found',
      500: ['failed to update allowlist', 'failed to verify org'],
    }),
  ),
};
