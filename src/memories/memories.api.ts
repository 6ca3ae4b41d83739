import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProduces, ApiQuery } from '@nestjs/swagger';
import { ApiErrors, Reply } from '../common/openapi/responses';
import {
  anyJson,
  arrayOf,
  bool,
  constant,
  dateTime,
  int,
  named,
  nullable,
  object,
  str,
  stringEnum,
  uuid,
} from '../common/openapi/schema';

const SCOPE = stringEnum(['LOCAL', 'TEAM', 'GLOBAL']);

const MEMORY = named(
  'Memory',
  object({
    id: uuid(),
    workspace_id: uuid(),
    content: str('GLOBAL memories read by others come wrapped as `[MEMORY …]` for safety.'),
    scope: SCOPE,
    namespace: str(),
    created_at: dateTime(),
  }),
);

const EXPORTED_MEMORY = object({
  id: uuid(),
  content: str(),
  scope: SCOPE,
  namespace: str(),
  created_at: dateTime(),
  workspace_name: str('Matched by name on import.'),
});

export const AgentMemoriesApi = {
  commit: applyDecorators(
    ApiOperation({
      summary: 'Store an agent memory',
      description:
        'LOCAL: the workspace’s own; TEAM: shared with its parent and siblings; GLOBAL: every ' +
        'workspace (root workspaces only). Secret-looking text is redacted.',
    }),
    Reply(201, object({ id: uuid(), scope: SCOPE, namespace: str() }), 'Stored.'),
    ApiErrors({
      400: [
        'invalid request body',
        'scope must be LOCAL, TEAM, or GLOBAL',
        'content exceeds 100000 bytes',
        'namespace must be <= 50 characters',
      ],
      403: 'only root workspaces can write GLOBAL memories',
      404: 'workspace not found',
      500: 'failed to store memory',
    }),
  ),
  search: applyDecorators(
    ApiOperation({
      summary: 'Search the memories a workspace may read',
      description:
        'Without `scope`, its own; with one, that scope as the workspace sees it. `q` of two ' +
        'characters or more is a ranked full-text search, one character a substring match.',
    }),
    ApiQuery({ name: 'q', required: false }),
    ApiQuery({ name: 'scope', required: false, enum: ['LOCAL', 'TEAM', 'GLOBAL'] }),
    ApiQuery({ name: 'namespace', required: false, description: 'Exact match.' }),
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 50, default: 50 },
    }),
    Reply(200, arrayOf(MEMORY), 'The memories.'),
    ApiErrors({ 500: 'search failed' }),
  ),
  delete: applyDecorators(
    ApiOperation({ summary: 'Delete one of the workspace’s own memories' }),
    Reply(200, object({ status: constant('deleted') }), 'Deleted.'),
    ApiErrors({ 404: 'memory not found or not owned by this workspace', 500: 'delete failed' }),
  ),
};

export const AdminMemoriesApi = {
  export: applyDecorators(
    ApiOperation({
      summary: 'Export every agent memory',
      description: 'Streamed as one JSON array; a broken-off stream means an incomplete export.',
    }),
    ApiProduces('application/json'),
    Reply(200, arrayOf(EXPORTED_MEMORY), 'The memories.'),
    ApiErrors({ 500: 'export query failed' }),
  ),
  import: applyDecorators(
    ApiOperation({
      summary: 'Import memories (an export, or a list like it)',
      description:
        'Up to 64 MiB. Each entry goes to the workspace of that name; entries without one, ' +
        'invalid, or already present are skipped.',
    }),
    ApiBody({
      schema: arrayOf(
        object({
          workspace_name: str(),
          content: str(),
          scope: SCOPE,
          'namespace?': nullable(str()),
          'created_at?': nullable(dateTime()),
        }),
      ),
    }),
    Reply(
      200,
      object({ imported: int(), skipped: int(), errors: int(), total: int() }),
      'What happened to the entries.',
    ),
    ApiErrors({
      400: [
        'invalid JSON: the body is not valid JSON',
        'invalid JSON: expected an array of memories',
        'failed to read request body',
      ],
      413: 'request body exceeds the 64 MiB limit',
    }),
  ),
};

const APPROVAL_STATUS = stringEnum(['pending', 'approved', 'denied', 'expired']);

export const ApprovalsApi = {
  request: applyDecorators(
    ApiOperation({
      summary: 'Ask a human to approve an action (agents)',
      description: 'Shown on the canvas until decided; expires if nobody does.',
    }),
    Reply(201, object({ approval_id: uuid(), status: constant('pending') }), 'Requested.'),
    ApiErrors({ 400: 'invalid request body', 404: 'workspace not found' }),
  ),
  list: applyDecorators(
    ApiOperation({ summary: 'List a workspace’s approval requests', description: 'Newest first.' }),
    Reply(
      200,
      arrayOf(
        object({
          id: uuid(),
          task_id: nullable(str()),
          action: str(),
          reason: nullable(str()),
          status: APPROVAL_STATUS,
          decided_by: nullable(str()),
          decided_at: nullable(dateTime()),
          created_at: dateTime(),
        }),
      ),
      'The requests.',
    ),
    ApiErrors({ 500: 'query failed' }),
  ),
  decide: applyDecorators(
    ApiOperation({
      summary: 'Approve or deny a request',
      description: 'An operator’s call: the asking workspace’s own token is refused.',
    }),
    Reply(
      200,
      object({ status: stringEnum(['approved', 'denied']), approval_id: uuid() }),
      'Decided.',
    ),
    ApiErrors({
      400: ['invalid request body', "decision must be 'approved' or 'denied'"],
      403: 'approvals must be decided by an operator',
      404: 'approval not found or already decided',
    }),
  ),
  pending: applyDecorators(
    ApiOperation({ summary: 'Every workspace’s pending approvals (the canvas banner)' }),
    Reply(
      200,
      arrayOf(
        object({
          id: uuid(),
          workspace_id: uuid(),
          workspace_name: str(),
          action: str(),
          reason: nullable(str()),
          status: APPROVAL_STATUS,
          created_at: dateTime(),
        }),
      ),
      'The pending requests.',
    ),
    ApiErrors({ 500: 'query failed' }),
  ),
};

const CHECKPOINT = named(
  'Checkpoint',
  object({
    id: uuid(),
    workspace_id: uuid(),
    workflow_id: str(),
    step_name: str(),
    step_index: int(),
    completed_at: dateTime(),
    payload: anyJson(),
  }),
);

export const CheckpointsApi = {
  save: applyDecorators(
    ApiOperation({
      summary: 'Save a workflow checkpoint',
      description: 'One per (workflow, step): saving a step again replaces it. Always 201.',
    }),
    Reply(
      201,
      object({ id: uuid(), workspace_id: uuid(), workflow_id: str(), step_name: str() }),
      'Saved.',
    ),
    ApiErrors({
      400: ['invalid request body', 'workflow_id and step_name must be at most 1024 bytes'],
      404: 'workspace not found',
    }),
  ),
  latest: applyDecorators(
    ApiOperation({ summary: 'The workspace’s latest checkpoint, any workflow' }),
    Reply(200, CHECKPOINT, 'The checkpoint.'),
    ApiErrors({
      404: 'no checkpoints found for workspace',
      500: 'failed to fetch latest checkpoint',
    }),
  ),
  list: applyDecorators(
    ApiOperation({
      summary: 'A workflow’s checkpoints',
      description: 'By step. A workflow literally named `latest` is only reachable by DELETE.',
    }),
    Reply(200, arrayOf(CHECKPOINT), 'The checkpoints.'),
    ApiErrors({ 404: 'no checkpoints found for workflow', 500: 'failed to list checkpoints' }),
  ),
  delete: applyDecorators(
    ApiOperation({ summary: 'Delete a workflow’s checkpoints' }),
    Reply(200, object({ deleted: int(), workflow_id: str() }), 'Deleted.'),
    ApiErrors({ 404: 'no checkpoints found for workflow', 500: 'failed to delete checkpoints' }),
  ),
};

const INSTRUCTION = named(
  'Instruction',
  object({
    id: uuid(),
    scope: stringEnum(['global', 'team', 'workspace']),
    scope_target: nullable(str()),
    title: str(),
    content: str(),
    priority: int(),
    enabled: bool(),
    created_at: dateTime(),
    updated_at: dateTime(),
  }),
);

export const InstructionsApi = {
  list: applyDecorators(
    ApiOperation({ summary: 'List platform instructions' }),
    ApiQuery({ name: 'workspace_id', required: false, description: 'Those applying to it.' }),
    ApiQuery({ name: 'scope', required: false, enum: ['global', 'team', 'workspace'] }),
    Reply(200, arrayOf(INSTRUCTION), 'The instructions.'),
    ApiErrors({ 500: 'query failed' }),
  ),
  create: applyDecorators(
    ApiOperation({ summary: 'Create a platform instruction' }),
    Reply(201, object({ id: uuid() }), 'Created.'),
    ApiErrors({
      400: [
        'scope, title, and content are required',
        'scope must be global or workspace (team scope not yet supported)',
        'scope_target required for workspace scope',
        'title exceeds 200 chars',
        'content exceeds 8192 chars',
      ],
      500: 'insert failed',
    }),
  ),
  update: applyDecorators(
    ApiOperation({ summary: 'Update a platform instruction' }),
    Reply(200, object({ status: constant('updated') }), 'Updated.'),
    ApiErrors({
      400: ['invalid request', 'title exceeds 200 chars', 'content exceeds 8192 chars'],
      404: 'instruction not found',
      500: 'update failed',
    }),
  ),
  delete: applyDecorators(
    ApiOperation({ summary: 'Delete a platform instruction' }),
    Reply(200, object({ status: constant('deleted') }), 'Deleted.'),
    ApiErrors({ 404: 'instruction not found', 500: 'delete failed' }),
  ),
  resolve: applyDecorators(
    ApiOperation({
      summary: 'The instructions a workspace’s system prompt gets (runtime)',
      description: 'Global, then workspace instructions, enabled only, rendered as one text.',
    }),
    Reply(
      200,
      object({ workspace_id: uuid(), instructions: str('Markdown; `""` when none.') }),
      'The text.',
    ),
    ApiErrors({ 500: 'query failed' }),
  ),
};

export const TokenUsageApi = applyDecorators(
  ApiOperation({
    summary: 'A workspace’s LLM token usage today (UTC)',
    description: 'Summed from the usage the agents’ A2A replies report.',
  }),
  Reply(
    200,
    object({
      input_tokens: int(),
      output_tokens: int(),
      total_calls: int(),
      estimated_cost_usd: str('Six decimals, e.g. `"0.000126"`.'),
      period_start: dateTime(),
      period_end: dateTime(),
    }),
    'The usage.',
  ),
  ApiErrors({ 404: 'workspace not found', 500: 'query failed' }),
);
