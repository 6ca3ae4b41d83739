import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { ApiErrors, Reply } from '../../common/openapi/responses';
import { bool, constant, int, object, str } from '../../common/openapi/schema';

const PAUSED_PARENT = 'parent workspace "<name>" is paused — resume it first';

export const LifecycleApi = {
  restart: applyDecorators(
    ApiOperation({
      summary: 'Restart a workspace',
      description:
        'Re-provisions the workspace (any status but removed), keeping its config volume unless ' +
        'a template is applied; the agent is told what changed once it is back online. ' +
        'Requests during a restart coalesce into one more cycle.',
    }),
    ApiBody({
      required: false,
      description: 'Optional; a field of the wrong type voids the whole body (defaults apply).',
      schema: object({
        'template?': str('A template directory under `CONFIGS_DIR` to provision from.'),
        'apply_template?': bool(
          "Apply the template matching the workspace's name, else the runtime default.",
        ),
        'reset?': bool('Discard the agent’s session volume.'),
        'rebuild_config?': bool('Rebuild the config from the matching org template.'),
      }),
    }),
    ApiQuery({ name: 'reset', required: false, enum: ['true'], description: 'As body `reset`.' }),
    Reply(
      200,
      object({
        status: constant('provisioning'),
        config_dir: str('The config source: a template, `<runtime>-default` or `existing-volume`.'),
        reset_session: bool(),
      }),
      'Restarting.',
    ),
    ApiErrors({
      404: 'workspace not found',
      409: PAUSED_PARENT,
      500: 'lookup failed',
      503: 'provisioner not available',
    }),
  ),

  pause: applyDecorators(
    ApiOperation({
      summary: 'Pause a workspace and its descendants',
      description: 'Stops their containers; they stay paused until resumed.',
    }),
    Reply(200, object({ status: constant('paused'), paused_count: int() }), 'Paused.'),
    ApiErrors({ 404: 'workspace not found or already paused', 500: 'lookup failed' }),
  ),

  resume: applyDecorators(
    ApiOperation({
      summary: 'Resume a paused workspace and its paused descendants',
      description: 'Provisions them again from their existing config volumes.',
    }),
    Reply(200, object({ status: constant('provisioning'), resumed_count: int() }), 'Resuming.'),
    ApiErrors({
      404: 'workspace not found or not paused',
      409: PAUSED_PARENT,
      500: 'lookup failed',
      503: 'provisioner not available',
    }),
  ),

  hibernate: applyDecorators(
    ApiOperation({
      summary: 'Hibernate a workspace',
      description:
        'Stops an online or degraded workspace; the next A2A message wakes it. A busy workspace ' +
        'needs `?force=true`.',
    }),
    ApiQuery({ name: 'force', required: false, enum: ['true'] }),
    Reply(
      200,
      object({ status: constant('hibernated') }),
      'Hibernated (or claimed by another request).',
    ),
    ApiErrors({
      404: 'workspace not found or not in a hibernatable state (must be online or degraded)',
      409: {
        errors: ['workspace has active tasks; use ?force=true to terminate them'],
        extra: { active_tasks: int() },
      },
      500: 'lookup failed',
    }),
  ),

  console: applyDecorators(
    ApiOperation({
      summary: 'Read a workspace VM’s serial console (control plane)',
    }),
    Reply(200, object({ output: str() }), 'The console text.'),
    ApiErrors({
      501: 'console output unavailable on this deployment (no control plane)',
      502: 'control plane returned an error fetching console output',
    }),
  ),

  bootstrapFailed: applyDecorators(
    ApiOperation({
      summary: 'Report a workspace that failed to boot (control plane)',
      description:
        'Marks a provisioning workspace failed with the error and the last 8 KiB of its log. A ' +
        'workspace no longer provisioning is left alone (`no_change`).',
    }),
    ApiBody({
      schema: object({
        'error?': str('Default `bootstrap failed — see log_tail`.'),
        'log_tail?': str('Kept up to its last 8192 bytes.'),
      }),
    }),
    Reply(200, object({ ok: constant(true), 'no_change?': constant(true) }), 'Recorded.'),
    ApiErrors({ 400: 'invalid request body', 500: 'db update failed' }),
  ),
};
