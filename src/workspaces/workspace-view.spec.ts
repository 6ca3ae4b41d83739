import { toListItem, toPublicDetail } from './workspace-view';
import { WorkspaceViewRow } from './workspace.repository';

const ID = '3c6d1f0e-2b9a-4c47-9e55-0b8f2f7d1a10';
const PARENT = '9a1e4c2d-7b3f-4e6a-8c5d-1f2e3a4b5c6d';

/** A row as the repository returns it with every column filled. */
function fullRow(): WorkspaceViewRow {
  return {
    id: ID,
    name: 'Researcher',
    role: 'finds things',
    tier: 2,
    status: 'online',
    agent_card: { name: 'r', skills: [{ id: 'search' }] },
    url: 'http://10.0.0.5:8000',
    parent_id: PARENT,
    active_tasks: 1,
    max_concurrent_tasks: 4,
    last_error_rate: 0.25,
    last_sample_error: 'timeout talking to model',
    uptime_seconds: 360,
    current_task: 'reading papers',
    runtime: 'hermes',
    workspace_dir: '/home/me/project',
    x: 12.5,
    y: -40,
    collapsed: true,
    budget_limit: 5000,
    monthly_spend: 1200,
    last_outbound_at: new Date('2026-04-01T12:00:00.123Z'),
  };
}

/** The same row with every nullable column NULL and no layout row joined. */
function sparseRow(): WorkspaceViewRow {
  return {
    ...fullRow(),
    role: null,
    tier: null,
    status: null,
    agent_card: null,
    url: null,
    parent_id: null,
    active_tasks: null,
    max_concurrent_tasks: null,
    last_error_rate: null,
    last_sample_error: null,
    uptime_seconds: null,
    current_task: null,
    runtime: null,
    workspace_dir: null,
    x: 0,
    y: 0,
    collapsed: false,
    budget_limit: null,
    monthly_spend: 0,
    last_outbound_at: null,
  };
}

const LIST_KEYS = [
  'id',
  'name',
  'role',
  'tier',
  'status',
  'agent_card',
  'url',
  'parent_id',
  'active_tasks',
  'max_concurrent_tasks',
  'last_error_rate',
  'last_sample_error',
  'uptime_seconds',
  'current_task',
  'runtime',
  'workspace_dir',
  'x',
  'y',
  'collapsed',
  'budget_limit',
  'monthly_spend',
];

describe('toListItem', () => {
  it('projects every list key, in the reference order', () => {
    const item = toListItem(fullRow());
    expect(Object.keys(item)).toEqual(LIST_KEYS);
    expect(item).toEqual({
      id: ID,
      name: 'Researcher',
      role: 'finds things',
      tier: 2,
      status: 'online',
      agent_card: { name: 'r', skills: [{ id: 'search' }] },
      url: 'http://10.0.0.5:8000',
      parent_id: PARENT,
      active_tasks: 1,
      max_concurrent_tasks: 4,
      last_error_rate: 0.25,
      last_sample_error: 'timeout talking to model',
      uptime_seconds: 360,
      current_task: 'reading papers',
      runtime: 'hermes',
      workspace_dir: '/home/me/project',
      x: 12.5,
      y: -40,
      collapsed: true,
      budget_limit: 5000,
      monthly_spend: 1200,
    });
  });

  it('maps NULL columns the way the reference scans them', () => {
    expect(toListItem(sparseRow())).toEqual({
      id: ID,
      name: 'Researcher',
      role: null,
      tier: 0,
      status: '',
      agent_card: null,
      url: '',
      parent_id: null,
      active_tasks: 0,
      max_concurrent_tasks: 1,
      last_error_rate: 0,
      last_sample_error: '',
      uptime_seconds: 0,
      current_task: '',
      runtime: 'langgraph',
      workspace_dir: null,
      x: 0,
      y: 0,
      collapsed: false,
      budget_limit: null,
      monthly_spend: 0,
    });
  });

  it('turns an empty role, runtime and workspace_dir into their defaults', () => {
    const item = toListItem({ ...fullRow(), role: '', runtime: '', workspace_dir: '' });
    expect([item.role, item.runtime, item.workspace_dir]).toEqual([null, 'langgraph', null]);
  });

  it('adds provision_timeout_ms last, only when a timeout is known', () => {
    expect(toListItem(fullRow())).not.toHaveProperty('provision_timeout_ms');
    const item = toListItem(fullRow(), 720_000);
    expect(Object.keys(item)).toEqual([...LIST_KEYS, 'provision_timeout_ms']);
    expect(item.provision_timeout_ms).toBe(720_000);
  });
});

describe('toPublicDetail', () => {
  const PUBLIC_KEYS = [
    'id',
    'name',
    'role',
    'tier',
    'status',
    'agent_card',
    'url',
    'parent_id',
    'active_tasks',
    'max_concurrent_tasks',
    'last_error_rate',
    'uptime_seconds',
    'runtime',
    'x',
    'y',
    'collapsed',
    'last_outbound_at',
  ];

  it('strips the financial and sensitive keys and adds last_outbound_at', () => {
    const detail = toPublicDetail(fullRow());
    expect(Object.keys(detail)).toEqual(PUBLIC_KEYS);
    for (const key of [
      'budget_limit',
      'monthly_spend',
      'current_task',
      'last_sample_error',
      'workspace_dir',
    ]) {
      expect(detail).not.toHaveProperty(key);
    }
    expect(detail.last_outbound_at).toEqual(new Date('2026-04-01T12:00:00.123Z'));
    expect(detail.active_tasks).toBe(1);
  });

  it('keeps last_outbound_at as null when the workspace never called out', () => {
    const detail = toPublicDetail(sparseRow());
    expect(detail).toHaveProperty('last_outbound_at', null);
    expect(detail.role).toBeNull();
    expect(detail.runtime).toBe('langgraph');
  });

  it('adds provision_timeout_ms after last_outbound_at when known', () => {
    expect(toPublicDetail(fullRow())).not.toHaveProperty('provision_timeout_ms');
    const detail = toPublicDetail(fullRow(), 900_000);
    expect(Object.keys(detail)).toEqual([...PUBLIC_KEYS, 'provision_timeout_ms']);
    expect(detail.provision_timeout_ms).toBe(900_000);
  });
});
