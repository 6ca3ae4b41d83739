/**
 * The route → auth table of the contract: spec 01 §2.11 (and §2.12, §7.2), spec 02 §1.2, §7,
 * §10, §13.4–13.6, spec 03 §2.2 and §6, spec 04 (image refresh), spec 05 §4 and §7.6, spec 07
 * §0 and spec 08 §0. Every route the app serves must have an entry here: the auth matrix reads
 * the routes from the running app and fails on a route without one, so a new route cannot
 * slip in unguarded.
 */

/** How a route decides who may call it. */
export type AuthKind =
  /** Nobody is refused (health, metrics, the sanitised workspace view, the plugin catalogue). */
  | 'open'
  /** AdminAuth, 01 §2.5. */
  | 'admin'
  /** WorkspaceAuth on the path's `:id`, 01 §2.6. */
  | 'workspace'
  /**
   * WorkspaceAuth, then the handler's own check: once the workspace has a live token only that
   * token passes — ADMIN_TOKEN and org tokens do not (01 §3.6, §8.3; 05 §7.6 download).
   */
  | 'workspace-own-token'
  /** CanvasOrBearer, 01 §2.12 (`PUT /canvas/viewport`). */
  | 'canvas-or-bearer'
  /** The registry gate keyed by the body's workspace id: no admin or org bypass (02 §1.2). */
  | 'registry-body'
  /** Discovery caller auth keyed by `X-Workspace-ID` (02 §7, §8). */
  | 'discovery-caller'
  /** Discovery caller auth keyed by the path id (02 §9). */
  | 'discovery-path'
  /** The caller named by `X-Workspace-ID` proves itself with its own token (03 §2.4, 05 §4.7). */
  | 'caller-token'
  /** The plain `GET /ws`: an agent subscriber's credentials (02 §13.4). */
  | 'ws-agent'
  /** The test-token route's own gate: ADMIN_TOKEN when set, else open; hidden in production (01 §7.2). */
  | 'test-token';

export interface RouteAuth {
  readonly auth: AuthKind;
  /** Where the spec says so. */
  readonly spec: string;
}

const admin = (spec: string): RouteAuth => ({ auth: 'admin', spec });
const workspace = (spec: string): RouteAuth => ({ auth: 'workspace', spec });
const open = (spec: string): RouteAuth => ({ auth: 'open', spec });

export const ROUTE_AUTH: Readonly<Record<string, RouteAuth>> = {
  // 01 §2.11: health, workspaces, lifecycle, budget, bundles, templates, viewport, tokens, secrets
  'GET /health': open('01 §2.11'),
  'GET /ready': open('01 §9 (readiness, added with the operations issue)'),
  'GET /metrics': open('01 §2.11'),
  // The API's own description (OpenAPI issue): the document and swagger-ui with its assets.
  'GET /openapi.json': open('API docs'),
  'GET /docs': open('API docs'),
  'GET /docs/': open('API docs'),
  'GET /docs/index.html': open('API docs'),
  'GET /docs/swagger-ui-init.js': open('API docs'),
  'GET /docs/docs/swagger-ui-init.js': open('API docs'),
  'GET /docs/LICENSE': open('API docs'),
  'GET /admin/liveness': admin('01 §2.11'),
  'GET /workspaces': admin('01 §2.11'),
  'POST /workspaces': admin('01 §2.11'),
  'GET /workspaces/:id': open('01 §2.11 (sensitive fields stripped)'),
  'PATCH /workspaces/:id': workspace('01 §2.11'),
  'DELETE /workspaces/:id': admin('01 §2.11'),
  'GET /workspaces/:id/state': { auth: 'workspace-own-token', spec: '01 §2.11, §3.6' },
  'POST /workspaces/:id/restart': workspace('01 §2.11'),
  'POST /workspaces/:id/pause': workspace('01 §2.11'),
  'POST /workspaces/:id/resume': workspace('01 §2.11'),
  'POST /workspaces/:id/hibernate': workspace('01 §2.11'),
  'GET /workspaces/:id/console': admin('01 §2.11'),
  'POST /admin/workspaces/:id/bootstrap-failed': admin('01 §2.11'),
  'GET /workspaces/:id/budget': workspace('01 §2.11'),
  'PATCH /workspaces/:id/budget': admin('01 §2.11'),
  'GET /bundles/export/:id': admin('01 §2.11'),
  'POST /bundles/import': admin('01 §2.11'),
  'GET /templates': admin('01 §2.11'),
  'GET /canvas/viewport': open('01 §2.11'),
  'PUT /canvas/viewport': { auth: 'canvas-or-bearer', spec: '01 §2.11, §2.12' },
  'GET /workspaces/:id/tokens': workspace('01 §2.11'),
  'POST /workspaces/:id/tokens': workspace('01 §2.11'),
  'DELETE /workspaces/:id/tokens/:tokenId': workspace('01 §2.11'),
  'GET /admin/workspaces/:id/test-token': { auth: 'test-token', spec: '01 §2.11, §7.2' },
  'GET /org/tokens': admin('01 §2.11'),
  'POST /org/tokens': admin('01 §2.11'),
  'DELETE /org/tokens/:id': admin('01 §2.11'),
  'GET /workspaces/:id/secrets': workspace('01 §2.11'),
  'POST /workspaces/:id/secrets': workspace('01 §2.11'),
  'PUT /workspaces/:id/secrets': workspace('01 §2.11'),
  'DELETE /workspaces/:id/secrets/:key': workspace('01 §2.11'),
  'GET /workspaces/:id/secrets/values': { auth: 'workspace-own-token', spec: '01 §2.11, §8.3' },
  'GET /workspaces/:id/model': workspace('01 §2.11'),
  'PUT /workspaces/:id/model': workspace('01 §2.11'),
  'GET /settings/secrets': admin('01 §2.11'),
  'POST /settings/secrets': admin('01 §2.11'),
  'PUT /settings/secrets': admin('01 §2.11'),
  'DELETE /settings/secrets/:key': admin('01 §2.11'),
  'GET /admin/secrets': admin('01 §2.11'),
  'POST /admin/secrets': admin('01 §2.11'),
  'DELETE /admin/secrets/:key': admin('01 §2.11'),

  // 02: registry, discovery, events
  'POST /registry/register': { auth: 'registry-body', spec: '02 §1.2, §2' },
  'POST /registry/heartbeat': { auth: 'registry-body', spec: '02 §1.2, §3' },
  'POST /registry/update-card': { auth: 'registry-body', spec: '02 §1.2, §4' },
  'GET /registry/discover/:id': { auth: 'discovery-caller', spec: '02 §7, §8' },
  'GET /registry/:id/peers': { auth: 'discovery-path', spec: '02 §7, §9' },
  'POST /registry/check-access': open('02 §10'),
  'GET /ws': { auth: 'ws-agent', spec: '02 §13.4' },
  'GET /workspaces/:id/events/stream': workspace('02 §13.5'),
  'GET /events': admin('02 §13.6'),
  'GET /events/:workspaceId': admin('02 §13.6'),

  // 03: A2A, queue, delegation, activity, notify, chat files
  'POST /workspaces/:id/a2a': { auth: 'caller-token', spec: '03 §2.2, §2.4' },
  'POST /admin/a2a-queue/drop-stale': admin('03 §3.6'),
  'POST /workspaces/:id/delegate': workspace('03 §4.2'),
  'POST /workspaces/:id/delegations/record': workspace('03 §4.5'),
  'POST /workspaces/:id/delegations/:delegation_id/update': workspace('03 §4.6'),
  'GET /workspaces/:id/delegations': workspace('03 §4.7'),
  'POST /workspaces/:id/activity': workspace('03 §5.2'),
  'GET /workspaces/:id/activity': workspace('03 §5.3'),
  'GET /workspaces/:id/session-search': workspace('03 §5.4'),
  'POST /workspaces/:id/notify': workspace('03 §5.5'),
  'POST /workspaces/:id/chat/uploads': workspace('03 §6.3'),
  'GET /workspaces/:id/chat/download': workspace('03 §6.5'),

  // 04: images
  'POST /admin/workspace-images/refresh': admin('04 (admin image refresh)'),

  // 05: schedules, org, plugins
  'GET /workspaces/:id/schedules': workspace('05 §4'),
  'POST /workspaces/:id/schedules': workspace('05 §4'),
  'PATCH /workspaces/:id/schedules/:scheduleId': workspace('05 §4'),
  'DELETE /workspaces/:id/schedules/:scheduleId': workspace('05 §4'),
  'POST /workspaces/:id/schedules/:scheduleId/run': workspace('05 §4'),
  'GET /workspaces/:id/schedules/:scheduleId/history': workspace('05 §4'),
  'GET /workspaces/:id/schedules/health': { auth: 'caller-token', spec: '05 §4.7' },
  'GET /admin/schedules/health': admin('05 §5'),
  'GET /org/templates': admin('05 §6'),
  'POST /org/import': admin('05 §6'),
  'GET /plugins': open('05 §7.6'),
  'GET /plugins/sources': open('05 §7.6'),
  'GET /workspaces/:id/plugins': workspace('05 §7.6'),
  'GET /workspaces/:id/plugins/available': workspace('05 §7.6'),
  'GET /workspaces/:id/plugins/compatibility': workspace('05 §7.6'),
  'POST /workspaces/:id/plugins': workspace('05 §7.6'),
  'DELETE /workspaces/:id/plugins/:name': workspace('05 §7.6'),
  'GET /workspaces/:id/plugins/:name/download': {
    auth: 'workspace-own-token',
    spec: '05 §7.6',
  },

  // 07: files, shared context, template import, config, plugin allowlist
  'GET /workspaces/:id/files': workspace('07 §0'),
  'PUT /workspaces/:id/files': workspace('07 §0'),
  'GET /workspaces/:id/files/*path': workspace('07 §0'),
  'PUT /workspaces/:id/files/*path': workspace('07 §0'),
  'DELETE /workspaces/:id/files/*path': workspace('07 §0'),
  'DELETE /workspaces/:id/files': workspace('07 §0'),
  'GET /workspaces/:id/shared-context': workspace('07 §0'),
  'POST /templates/import': admin('07 §0'),
  'GET /workspaces/:id/config': workspace('07 §0'),
  'PATCH /workspaces/:id/config': workspace('07 §0'),
  'GET /orgs/:id/plugins/allowlist': admin('07 §0'),
  'PUT /orgs/:id/plugins/allowlist': admin('07 §0'),

  // 08: memories, approvals, checkpoints, instructions, token usage
  'POST /workspaces/:id/memories': workspace('08 §0'),
  'GET /workspaces/:id/memories': workspace('08 §0'),
  'DELETE /workspaces/:id/memories/:memoryId': workspace('08 §0'),
  'GET /admin/memories/export': admin('08 §0'),
  'POST /admin/memories/import': admin('08 §0'),
  'POST /workspaces/:id/approvals': workspace('08 §0'),
  'GET /workspaces/:id/approvals': workspace('08 §0'),
  'GET /approvals/pending': admin('08 §0'),
  'POST /workspaces/:id/approvals/:approvalId/decide': workspace('08 §0'),
  'POST /workspaces/:id/checkpoints': workspace('08 §0'),
  'GET /workspaces/:id/checkpoints/latest': workspace('08 §0'),
  'GET /workspaces/:id/checkpoints/:wfid': workspace('08 §0'),
  'DELETE /workspaces/:id/checkpoints/:wfid': workspace('08 §0'),
  'GET /instructions': admin('08 §0'),
  'POST /instructions': admin('08 §0'),
  'PUT /instructions/:id': admin('08 §0'),
  'DELETE /instructions/:id': admin('08 §0'),
  'GET /workspaces/:id/instructions/resolve': workspace('08 §0'),
  'GET /workspaces/:id/metrics': workspace('08 (token usage issue)'),
};
