import { parse } from 'yaml';
import {
  decodeOrgTemplate,
  ORG_TEMPLATE_LIMITS,
  OrgTemplateError,
  walkNodes,
} from './org-template';

const TEMPLATE = `
name: Dev Team
description: A small team
defaults:
  runtime: claude-code
  tier: 2
  model: sonnet
  plugins: [reviewer]
  initial_prompt: |
    Read the repo.
    Then plan.
  idle_prompt_file: idle.md
  idle_interval_seconds: 900
  category_routing:
    security: [Auditor]
  initial_memories:
    - {content: Ship small changes., scope: team}
required_env: [ANTHROPIC_API_KEY]
global_memories:
  - content: We deploy on Fridays.
    scope: LOCAL
  - {content: 42}
workspaces:
  - name: PM
    role: Plans work
    model: opus
    max_concurrent_tasks: 3
    canvas: {x: 100, y: 50.5}
    initial_memories:
      - content: I own the roadmap.
    schedules:
      - name: standup
        cron_expr: "0 9 * * 1-5"
        timezone: Europe/Paris
        prompt_file: standup.md
        enabled: false
    channels:
      - type: slack
        config: {token: "\${SLACK_TOKEN}"}
    children:
      - name: Dev
        plugins: ["!reviewer", linter]
        external: true
        url: http://127.0.0.1:9000
`;

describe('decodeOrgTemplate', () => {
  it('decodes every field the import uses', () => {
    const template = decodeOrgTemplate(parse(TEMPLATE));
    expect(template.name).toBe('Dev Team');
    expect(template.defaults).toMatchObject({
      runtime: 'claude-code',
      tier: 2,
      model: 'sonnet',
      plugins: ['reviewer'],
      initialPrompt: 'Read the repo.\nThen plan.\n',
      idlePromptFile: 'idle.md',
      idleIntervalSeconds: 900,
      categoryRouting: { security: ['Auditor'] },
      initialMemories: [{ content: 'Ship small changes.', scope: 'team' }],
    });
    expect(template.globalMemories).toEqual([
      { content: 'We deploy on Fridays.', scope: 'LOCAL' },
      { content: '42', scope: '' },
    ]);
    expect(template.requiredEnv).toEqual([{ kind: 'single', name: 'ANTHROPIC_API_KEY' }]);
    const [pm] = template.workspaces;
    expect(pm).toMatchObject({
      name: 'PM',
      role: 'Plans work',
      model: 'opus',
      runtime: '',
      maxConcurrentTasks: 3,
      canvas: { x: 100, y: 50.5 },
      initialMemories: [{ content: 'I own the roadmap.', scope: '' }],
      schedules: [
        {
          name: 'standup',
          cronExpr: '0 9 * * 1-5',
          timezone: 'Europe/Paris',
          prompt: '',
          promptFile: 'standup.md',
          enabled: false,
        },
      ],
    });
    expect(pm.children[0]).toMatchObject({
      name: 'Dev',
      plugins: ['!reviewer', 'linter'],
      external: true,
      url: 'http://127.0.0.1:9000',
      initialMemories: [],
    });
    expect([...walkNodes(template.workspaces)].map((n) => n.name)).toEqual(['PM', 'Dev']);
  });

  it('ignores unknown keys (force included) and zero-values missing ones', () => {
    const template = decodeOrgTemplate({ name: 'x', force: true, workspaces: [{ name: 'a' }] });
    expect(template.workspaces[0]).toMatchObject({
      tier: 0,
      plugins: [],
      schedules: [],
      initialMemories: [],
      children: [],
    });
    expect(template.globalMemories).toEqual([]);
    expect(template.defaults.initialMemories).toEqual([]);
    expect(template.workspaces[0].schedules).toEqual([]);
  });

  it.each([
    [{ workspaces: 'PM' }],
    [{ workspaces: [{ name: 'a', tier: 'high' }] }],
    [{ workspaces: [{ name: 'a', external: 'yes' }] }],
    [{ workspaces: [{ name: ['a'] }] }],
    [{ defaults: { plugins: 'reviewer' } }],
    [{ required_env: [{ any_of: [] }] }],
    [{ workspaces: [{ name: 'a', schedules: [{ enabled: 'true' }] }] }],
    [{ global_memories: 'remember' }],
    [{ global_memories: ['remember'] }],
    [{ global_memories: [{ content: ['a'] }] }],
    [{ defaults: { initial_memories: { content: 'a' } } }],
    [{ workspaces: [{ name: 'a', initial_memories: [{ content: 'a', scope: ['LOCAL'] }] }] }],
    [['a list']],
  ])('refuses %j', (value) => {
    expect(() => decodeOrgTemplate(value)).toThrow(OrgTemplateError);
  });

  it('bounds the tree', () => {
    let deep: Record<string, unknown> = { name: 'leaf' };
    for (let i = 0; i < ORG_TEMPLATE_LIMITS.maxDepth + 1; i++)
      deep = { name: `n${i}`, children: [deep] };
    expect(() => decodeOrgTemplate({ workspaces: [deep] })).toThrow(/deeper/);
    const wide = Array.from({ length: ORG_TEMPLATE_LIMITS.maxNodes + 1 }, (_, i) => ({
      name: `w${i}`,
    }));
    expect(() => decodeOrgTemplate({ workspaces: wide })).toThrow(/more than/);
  });

  it('bounds the memories an import seeds, counting the defaults once per inheriting node', () => {
    const { maxSeededMemories, maxSeededMemoryBytes } = ORG_TEMPLATE_LIMITS;
    const memories = (n: number, content = 'm') => Array.from({ length: n }, () => ({ content }));
    const nodes = (n: number, own: object[] = []) =>
      Array.from({ length: n }, (_, i) => ({ name: `w${i}`, initial_memories: own }));
    const perNode = maxSeededMemories / 100;
    // 100 nodes inheriting the defaults' list: exactly the limit, then one memory more.
    const atLimit = { defaults: { initial_memories: memories(perNode) }, workspaces: nodes(100) };
    expect(() => decodeOrgTemplate(atLimit)).not.toThrow();
    expect(() => decodeOrgTemplate({ ...atLimit, global_memories: memories(1) })).toThrow(
      /more than 5000 memories/,
    );
    // A node's own list replaces the defaults' rather than adding to them.
    expect(() =>
      decodeOrgTemplate({ ...atLimit, workspaces: [...nodes(99), ...nodes(1, memories(1))] }),
    ).not.toThrow();
    const big = 'x'.repeat(maxSeededMemoryBytes / 4);
    expect(() => decodeOrgTemplate({ global_memories: memories(4, big) })).not.toThrow();
    expect(() =>
      decodeOrgTemplate({
        defaults: { initial_memories: memories(1, big) },
        workspaces: nodes(4),
        global_memories: memories(1),
      }),
    ).toThrow(/memories to seed exceed/);
  });
});
