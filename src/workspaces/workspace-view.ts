import { WorkspaceViewRow } from './workspace.repository';

/** The columns a peer listing carries: the head of every workspace view. */
export type PeerViewRow = Pick<
  WorkspaceViewRow,
  'id' | 'name' | 'role' | 'tier' | 'status' | 'agent_card' | 'url' | 'parent_id' | 'active_tasks'
>;

/** A workspace as `GET /registry/:id/peers` lists it (spec 02 §9): the list item's first keys. */
export function toPeerView(row: PeerViewRow): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    role: row.role || null,
    tier: row.tier ?? 0,
    status: row.status ?? '',
    agent_card: row.agent_card ?? null,
    url: row.url ?? '',
    parent_id: row.parent_id,
    active_tasks: row.active_tasks ?? 0,
  };
}

/** A workspace as `GET /workspaces` lists it (spec 01 §3.2), keys in the reference's order. */
export function toListItem(
  row: WorkspaceViewRow,
  provisionTimeoutMs?: number,
): Record<string, unknown> {
  const item: Record<string, unknown> = {
    ...toPeerView(row),
    max_concurrent_tasks: row.max_concurrent_tasks ?? 1,
    last_error_rate: row.last_error_rate ?? 0,
    last_sample_error: row.last_sample_error ?? '',
    uptime_seconds: row.uptime_seconds ?? 0,
    current_task: row.current_task ?? '',
    runtime: row.runtime || 'langgraph',
    workspace_dir: row.workspace_dir || null,
    x: row.x,
    y: row.y,
    collapsed: row.collapsed,
    budget_limit: row.budget_limit,
    monthly_spend: row.monthly_spend ?? 0,
  };
  if (provisionTimeoutMs !== undefined) item.provision_timeout_ms = provisionTimeoutMs;
  return item;
}

/** Keys the unauthenticated `GET /workspaces/:id` never exposes. */
const PRIVATE_KEYS = [
  'budget_limit',
  'monthly_spend',
  'current_task',
  'last_sample_error',
  'workspace_dir',
];

/** A workspace as `GET /workspaces/:id` shows it (spec 01 §3.3): open, so sensitive fields go. */
export function toPublicDetail(
  row: WorkspaceViewRow,
  provisionTimeoutMs?: number,
): Record<string, unknown> {
  const item = toListItem(row);
  for (const key of PRIVATE_KEYS) delete item[key];
  item.last_outbound_at = row.last_outbound_at;
  if (provisionTimeoutMs !== undefined) item.provision_timeout_ms = provisionTimeoutMs;
  return item;
}
