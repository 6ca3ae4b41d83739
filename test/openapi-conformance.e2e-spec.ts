import { randomUUID } from 'node:crypto';
import { insertToken, insertWorkspace } from './support/factories';
import { conformanceProblems, OpenApiDocument } from './support/openapi-conformance';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const ADMIN = 'conformance-admin-token';

type Auth = 'none' | 'admin' | 'workspace';
/** `[method, path, documented template, credential, body, status the server must answer]`. */
type Call = readonly [string, string, string, Auth, unknown, number];

/**
 * Real calls, a few per module, each reaching a success or a documented error status: the
 * server must answer as expected, and the answer must be what `/openapi.json` says of it.
 * `{ws}` is a workspace holding a token, `{busy}` one with active tasks, `{x}` an unknown id.
 */
const CALLS: Record<string, readonly Call[]> = {
  workspaces: [
    ['GET', '/workspaces', '/workspaces', 'none', undefined, 401],
    ['GET', '/workspaces', '/workspaces', 'admin', undefined, 200],
    ['POST', '/workspaces', '/workspaces', 'admin', {}, 400],
    ['GET', '/workspaces/nope', '/workspaces/{id}', 'none', undefined, 400],
    ['GET', '/workspaces/{x}', '/workspaces/{id}', 'none', undefined, 404],
    ['GET', '/workspaces/{ws}', '/workspaces/{id}', 'none', undefined, 200],
    ['PATCH', '/workspaces/{ws}', '/workspaces/{id}', 'workspace', { name: 5 }, 400],
    ['PATCH', '/workspaces/{ws}', '/workspaces/{id}', 'workspace', { x: 1, y: 2 }, 200],
    ['GET', '/workspaces/{ws}/state', '/workspaces/{id}/state', 'workspace', undefined, 200],
    ['GET', '/workspaces/{ws}/state', '/workspaces/{id}/state', 'admin', undefined, 401],
    ['GET', '/workspaces/{x}/state', '/workspaces/{id}/state', 'admin', undefined, 404],
  ],
  lifecycle: [
    ['POST', '/workspaces/{busy}/hibernate', '/workspaces/{id}/hibernate', 'admin', undefined, 409],
    ['POST', '/workspaces/{x}/restart', '/workspaces/{id}/restart', 'admin', undefined, 404],
    ['POST', '/workspaces/{busy}/pause', '/workspaces/{id}/pause', 'admin', undefined, 200],
    ['POST', '/workspaces/{busy}/pause', '/workspaces/{id}/pause', 'admin', undefined, 404],
    ['POST', '/workspaces/{busy}/resume', '/workspaces/{id}/resume', 'admin', undefined, 503],
    ['GET', '/workspaces/{ws}/console', '/workspaces/{id}/console', 'admin', undefined, 501],
    [
      'POST',
      '/admin/workspaces/{x}/bootstrap-failed',
      '/admin/workspaces/{id}/bootstrap-failed',
      'admin',
      {},
      200,
    ],
  ],
  secrets: [
    ['PUT', '/workspaces/{ws}/secrets', '/workspaces/{id}/secrets', 'workspace', {}, 400],
    [
      'POST',
      '/workspaces/{ws}/secrets',
      '/workspaces/{id}/secrets',
      'workspace',
      { key: 'K', value: 'v' },
      200,
    ],
    ['GET', '/workspaces/{ws}/secrets', '/workspaces/{id}/secrets', 'workspace', undefined, 200],
    [
      'GET',
      '/workspaces/{ws}/secrets/values',
      '/workspaces/{id}/secrets/values',
      'workspace',
      undefined,
      200,
    ],
    [
      'DELETE',
      '/workspaces/{ws}/secrets/NOPE',
      '/workspaces/{id}/secrets/{key}',
      'workspace',
      undefined,
      404,
    ],
    ['GET', '/workspaces/{ws}/model', '/workspaces/{id}/model', 'workspace', undefined, 200],
    ['GET', '/settings/secrets', '/settings/secrets', 'admin', undefined, 200],
    ['DELETE', '/admin/secrets/NOPE', '/admin/secrets/{key}', 'admin', undefined, 404],
  ],
  tokens: [
    ['GET', '/workspaces/{ws}/tokens', '/workspaces/{id}/tokens', 'workspace', undefined, 200],
    [
      'DELETE',
      '/workspaces/{ws}/tokens/{x}',
      '/workspaces/{id}/tokens/{tokenId}',
      'workspace',
      undefined,
      404,
    ],
    [
      'GET',
      '/admin/workspaces/{ws}/test-token',
      '/admin/workspaces/{id}/test-token',
      'none',
      undefined,
      401,
    ],
    ['GET', '/org/tokens', '/org/tokens', 'admin', undefined, 200],
    ['DELETE', '/org/tokens/{x}', '/org/tokens/{id}', 'admin', undefined, 404],
  ],
  'budget, canvas, bundles, templates': [
    ['PATCH', '/workspaces/{ws}/budget', '/workspaces/{id}/budget', 'admin', {}, 400],
    ['GET', '/workspaces/{ws}/budget', '/workspaces/{id}/budget', 'workspace', undefined, 200],
    ['GET', '/canvas/viewport', '/canvas/viewport', 'none', undefined, 200],
    ['PUT', '/canvas/viewport', '/canvas/viewport', 'none', {}, 401],
    ['GET', '/bundles/export/{x}', '/bundles/export/{id}', 'admin', undefined, 404],
    ['POST', '/bundles/import', '/bundles/import', 'admin', [], 400],
    ['GET', '/templates', '/templates', 'admin', undefined, 200],
  ],
  registry: [
    ['POST', '/registry/heartbeat', '/registry/heartbeat', 'none', {}, 400],
    ['POST', '/registry/heartbeat', '/registry/heartbeat', 'none', { workspace_id: '{ws}' }, 401],
    [
      'POST',
      '/registry/heartbeat',
      '/registry/heartbeat',
      'workspace',
      { workspace_id: '{ws}' },
      200,
    ],
    [
      'POST',
      '/registry/update-card',
      '/registry/update-card',
      'none',
      { workspace_id: '{x}', agent_card: {} },
      404,
    ],
    ['GET', '/registry/discover/{ws}', '/registry/discover/{id}', 'none', undefined, 400],
    [
      'POST',
      '/registry/check-access',
      '/registry/check-access',
      'none',
      { caller_id: '{ws}', target_id: '{x}' },
      200,
    ],
  ],
  activity: [
    [
      'POST',
      '/workspaces/{ws}/activity',
      '/workspaces/{id}/activity',
      'workspace',
      { activity_type: 'nope' },
      400,
    ],
    [
      'GET',
      '/workspaces/{ws}/activity?source=x',
      '/workspaces/{id}/activity',
      'workspace',
      undefined,
      400,
    ],
    [
      'POST',
      '/workspaces/{ws}/activity',
      '/workspaces/{id}/activity',
      'workspace',
      { activity_type: 'agent_log' },
      200,
    ],
    ['GET', '/workspaces/{ws}/activity', '/workspaces/{id}/activity', 'workspace', undefined, 200],
    ['POST', '/workspaces/{ws}/notify', '/workspaces/{id}/notify', 'workspace', {}, 400],
    [
      'GET',
      '/workspaces/{ws}/session-search?q=agent',
      '/workspaces/{id}/session-search',
      'workspace',
      undefined,
      200,
    ],
  ],
  'files, chat files': [
    [
      'GET',
      '/workspaces/{ws}/files?root=/etc',
      '/workspaces/{id}/files',
      'workspace',
      undefined,
      400,
    ],
    [
      'GET',
      '/workspaces/{ws}/files?depth=9',
      '/workspaces/{id}/files',
      'workspace',
      undefined,
      400,
    ],
    ['GET', '/workspaces/{x}/files', '/workspaces/{id}/files', 'admin', undefined, 404],
    [
      'PUT',
      '/workspaces/{ws}/files/.auth_token',
      '/workspaces/{id}/files/{path}',
      'workspace',
      { content: 'x' },
      400,
    ],
    [
      'GET',
      '/workspaces/{ws}/shared-context',
      '/workspaces/{id}/shared-context',
      'workspace',
      undefined,
      200,
    ],
    ['PATCH', '/workspaces/{ws}/config', '/workspaces/{id}/config', 'workspace', [], 400],
    ['PATCH', '/workspaces/{ws}/config', '/workspaces/{id}/config', 'workspace', { a: 1 }, 200],
    ['GET', '/workspaces/{ws}/config', '/workspaces/{id}/config', 'workspace', undefined, 200],
    ['POST', '/templates/import', '/templates/import', 'admin', {}, 400],
    [
      'GET',
      '/workspaces/{ws}/chat/download',
      '/workspaces/{id}/chat/download',
      'workspace',
      undefined,
      400,
    ],
    [
      'GET',
      '/workspaces/{ws}/chat/download?path=/etc/passwd',
      '/workspaces/{id}/chat/download',
      'workspace',
      undefined,
      400,
    ],
  ],
  a2a: [
    [
      'POST',
      '/workspaces/{x}/a2a',
      '/workspaces/{id}/a2a',
      'none',
      { method: 'message/send' },
      404,
    ],
    ['POST', '/workspaces/{ws}/delegate', '/workspaces/{id}/delegate', 'workspace', {}, 400],
    [
      'GET',
      '/workspaces/{ws}/delegations',
      '/workspaces/{id}/delegations',
      'workspace',
      undefined,
      200,
    ],
    [
      'POST',
      '/admin/a2a-queue/drop-stale?max_age_minutes=0',
      '/admin/a2a-queue/drop-stale',
      'admin',
      undefined,
      400,
    ],
    ['POST', '/admin/a2a-queue/drop-stale', '/admin/a2a-queue/drop-stale', 'admin', undefined, 200],
  ],
  memories: [
    [
      'POST',
      '/workspaces/{ws}/memories',
      '/workspaces/{id}/memories',
      'workspace',
      { content: 'x', scope: 'NOPE' },
      400,
    ],
    [
      'POST',
      '/workspaces/{ws}/memories',
      '/workspaces/{id}/memories',
      'workspace',
      { content: 'x', scope: 'LOCAL' },
      201,
    ],
    ['GET', '/workspaces/{ws}/memories', '/workspaces/{id}/memories', 'workspace', undefined, 200],
    [
      'DELETE',
      '/workspaces/{ws}/memories/{x}',
      '/workspaces/{id}/memories/{memoryId}',
      'workspace',
      undefined,
      404,
    ],
    ['GET', '/admin/memories/export', '/admin/memories/export', 'admin', undefined, 200],
    ['POST', '/admin/memories/import', '/admin/memories/import', 'admin', {}, 400],
  ],
  'approvals, checkpoints, instructions, usage': [
    ['POST', '/workspaces/{ws}/approvals', '/workspaces/{id}/approvals', 'workspace', {}, 400],
    [
      'POST',
      '/workspaces/{ws}/approvals/{x}/decide',
      '/workspaces/{id}/approvals/{approvalId}/decide',
      'workspace',
      { decision: 'approved' },
      403,
    ],
    ['GET', '/approvals/pending', '/approvals/pending', 'admin', undefined, 200],
    [
      'GET',
      '/workspaces/{ws}/checkpoints/latest',
      '/workspaces/{id}/checkpoints/latest',
      'workspace',
      undefined,
      404,
    ],
    [
      'POST',
      '/workspaces/{ws}/checkpoints',
      '/workspaces/{id}/checkpoints',
      'workspace',
      { workflow_id: 'w', step_name: 's' },
      201,
    ],
    ['POST', '/instructions', '/instructions', 'admin', {}, 400],
    ['DELETE', '/instructions/{x}', '/instructions/{id}', 'admin', undefined, 404],
    [
      'GET',
      '/workspaces/{ws}/instructions/resolve',
      '/workspaces/{id}/instructions/resolve',
      'workspace',
      undefined,
      200,
    ],
    ['GET', '/workspaces/{ws}/metrics', '/workspaces/{id}/metrics', 'workspace', undefined, 200],
  ],
  schedules: [
    ['POST', '/workspaces/{ws}/schedules', '/workspaces/{id}/schedules', 'workspace', {}, 400],
    [
      'POST',
      '/workspaces/{ws}/schedules',
      '/workspaces/{id}/schedules',
      'workspace',
      { cron_expr: '0 * * * *', prompt: 'hi', timezone: 'Mars/Base' },
      400,
    ],
    [
      'POST',
      '/workspaces/{ws}/schedules',
      '/workspaces/{id}/schedules',
      'workspace',
      { cron_expr: '0 * * * *', prompt: 'hi' },
      201,
    ],
    [
      'GET',
      '/workspaces/{ws}/schedules',
      '/workspaces/{id}/schedules',
      'workspace',
      undefined,
      200,
    ],
    [
      'DELETE',
      '/workspaces/{ws}/schedules/{x}',
      '/workspaces/{id}/schedules/{scheduleId}',
      'workspace',
      undefined,
      404,
    ],
    [
      'GET',
      '/workspaces/{ws}/schedules/health',
      '/workspaces/{id}/schedules/health',
      'none',
      undefined,
      401,
    ],
    ['GET', '/admin/schedules/health', '/admin/schedules/health', 'admin', undefined, 200],
  ],
  'org, plugins, images': [
    ['GET', '/org/templates', '/org/templates', 'admin', undefined, 200],
    ['POST', '/org/import', '/org/import', 'admin', {}, 400],
    ['GET', '/plugins', '/plugins', 'none', undefined, 200],
    ['GET', '/plugins/sources', '/plugins/sources', 'none', undefined, 200],
    [
      'GET',
      '/workspaces/{ws}/plugins/compatibility',
      '/workspaces/{id}/plugins/compatibility',
      'workspace',
      undefined,
      400,
    ],
    ['GET', '/orgs/{x}/plugins/allowlist', '/orgs/{id}/plugins/allowlist', 'admin', undefined, 404],
    [
      'POST',
      '/admin/workspace-images/refresh',
      '/admin/workspace-images/refresh',
      'admin',
      undefined,
      404,
    ],
  ],
  'operations, events': [
    ['GET', '/health', '/health', 'none', undefined, 200],
    ['GET', '/ready', '/ready', 'none', undefined, 200],
    ['GET', '/metrics', '/metrics', 'none', undefined, 200],
    ['GET', '/admin/liveness', '/admin/liveness', 'admin', undefined, 200],
    ['GET', '/events', '/events', 'admin', undefined, 200],
    ['GET', '/events/{ws}', '/events/{workspaceId}', 'admin', undefined, 200],
    ['GET', '/ws', '/ws', 'none', undefined, 400],
  ],
};

describe('documented statuses match what the server answers', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, { ADMIN_TOKEN: ADMIN });
  let document: OpenApiDocument;
  const ids: Record<string, string> = { x: randomUUID() };
  let workspaceToken: string;

  beforeAll(async () => {
    document = (await app.http.get<OpenApiDocument>('/openapi.json')).body;
    ids.ws = await insertWorkspace(db, { name: 'conformance' });
    ids.busy = await insertWorkspace(db, { name: 'busy', active_tasks: 2 });
    workspaceToken = await insertToken(db, ids.ws);
  });

  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]);

  describe.each(Object.entries(CALLS))('%s', (_module, calls) => {
    it.each(calls.map((c) => [`${c[0]} ${c[1]} (${c[3]}) → ${c[5]}`, c] as const))(
      '%s',
      async (_name, [method, path, template, auth, body, status]) => {
        const headers: Record<string, string> = {};
        if (auth === 'admin') headers.Authorization = `Bearer ${ADMIN}`;
        if (auth === 'workspace') headers.Authorization = `Bearer ${workspaceToken}`;
        const payload = body === undefined ? undefined : JSON.parse(fill(JSON.stringify(body)));
        const res = await app.http.request(method, fill(path), { headers, body: payload });
        expect({ status: res.status, body: res.body }).toEqual({ status, body: res.body });
        expect(conformanceProblems(document, method, template, res.status, res.body)).toEqual([]);
      },
    );
  });

  it('the checker itself refuses an undocumented status and an unlisted message', () => {
    expect(conformanceProblems(document, 'GET', '/health', 418, {})).toEqual([
      'GET /health: status 418 is not documented',
    ]);
    expect(
      conformanceProblems(document, 'GET', '/workspaces/{id}', 404, { error: 'gone fishing' }),
    ).toHaveLength(1);
    expect(conformanceProblems(document, 'GET', '/workspaces/{id}', 200, { id: 'x' })).toEqual([
      expect.stringContaining('body lacks'),
    ]);
  });
});
