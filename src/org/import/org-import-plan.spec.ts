import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { quietLogs } from '../../../test/support/unit';
import { decodeOrgTemplate } from '../templates/org-template';
import { PROMPT_FILE_MAX_BYTES } from '../templates/prompt-refs';
import { OrgPlanError, planOrgImport, PlanContext } from './org-import-plan';

describe('planOrgImport', () => {
  quietLogs();
  let base: string;
  let orgDir: string;
  let ids: number;

  const write = (rel: string, text: string) => {
    const file = path.join(base, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  const ctx = (overrides: Partial<PlanContext> = {}): PlanContext => ({
    orgBaseDir: orgDir,
    configsDir: path.join(base, 'templates'),
    pluginsDir: path.join(base, 'plugins'),
    maxTreeBytes: 1024 * 1024,
    env: { HOME: '/home/agent' },
    now: new Date('2026-03-04T08:30:00Z'),
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    ...overrides,
  });
  const plan = (yaml: string, overrides: Partial<PlanContext> = {}) =>
    planOrgImport(decodeOrgTemplate(parse(yaml)), ctx(overrides));
  const failure = async (yaml: string, overrides: Partial<PlanContext> = {}) => {
    const err = await plan(yaml, overrides).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrgPlanError);
    return (err as Error).message;
  };

  beforeEach(() => {
    ids = 0;
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-org-plan-'));
    orgDir = path.join(base, 'org-templates', 'team');
    write('org-templates/team/.env', 'SHARED=root\nOVERRIDE=root\n');
    write(
      'org-templates/team/pm/.env',
      'OVERRIDE=pm\nPM_ONLY="quoted"\nPROJECT=/srv/projects/app\n',
    );
    write('org-templates/team/pm/kickoff.md', 'Kick off the sprint.\n');
    write('org-templates/team/pm/standup.md', 'Run the standup.');
    write('org-templates/team/idle.md', 'Anything to do?');
    write('templates/claude-code-default/config.yaml', 'name: cc\n');
    write('templates/researcher/config.yaml', 'name: r\n');
    write('plugins/reviewer/plugin.yaml', 'version: 1\n');
    write('plugins/reviewer/skills/review/SKILL.md', '# Review\n');
    write('plugins/linter/plugin.yaml', 'version: 2\n');
    write('outside.md', 'secret');
  });

  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  const THREE_LEVELS = `
name: Team
defaults:
  runtime: claude-code
  plugins: [reviewer]
  idle_prompt_file: idle.md
  category_routing: {security: [Auditor]}
workspaces:
  - name: PM
    role: Plans
    files_dir: pm
    initial_prompt_file: kickoff.md
    workspace_dir: \${PROJECT}
    workspace_access: read_write
    max_concurrent_tasks: 3
    canvas: {x: 100, y: 40}
    system_prompt: You are the PM.
    schedules:
      - {name: standup, cron_expr: "0 9 * * 1-5", prompt_file: standup.md}
      - {name: broken, cron_expr: "@daily", prompt: x}
      - {name: empty, cron_expr: "0 9 * * *"}
      - {name: gone, cron_expr: "0 9 * * *", prompt_file: missing.md}
    children:
      - name: Lead
        runtime: hermes
        tier: 3
        plugins: ["!reviewer", linter]
        max_concurrent_tasks: -2
        children:
          - name: Dev
            template: researcher
            workspace_dir: \${HOME}/code
      - name: Bot
        external: true
        url: http://127.0.0.1:9999
`;

  it('plans a three-level tree, parents first, with layout, secrets and schedules', async () => {
    const planned = await plan(THREE_LEVELS);
    expect(
      planned.map((w) => [w.name, w.parentId && planned.find((p) => p.id === w.parentId)?.name]),
    ).toEqual([
      ['PM', null],
      ['Lead', 'PM'],
      ['Dev', 'Lead'],
      ['Bot', 'PM'],
    ]);
    const [pm, lead, dev, bot] = planned;
    expect(pm).toMatchObject({
      role: 'Plans',
      runtime: 'claude-code',
      model: 'sonnet',
      tier: 2,
      maxConcurrentTasks: 3,
      workspaceDir: '/srv/projects/app',
      workspaceAccess: 'read_write',
      position: { x: 100, y: 40 },
      relativePosition: { x: 100, y: 40 },
      secrets: { SHARED: 'root', OVERRIDE: 'pm', PM_ONLY: 'quoted', PROJECT: '/srv/projects/app' },
      schedules: [
        {
          name: 'standup',
          cronExpr: '0 9 * * 1-5',
          timezone: 'UTC',
          prompt: 'Run the standup.',
          enabled: true,
          nextRunAt: new Date('2026-03-04T09:00:00Z'),
        },
      ],
    });
    expect(lead).toMatchObject({
      runtime: 'hermes',
      model: 'anthropic:claude-opus-4-7',
      tier: 3,
      maxConcurrentTasks: 1,
      position: { x: 116, y: 170 },
      relativePosition: { x: 16, y: 130 },
      secrets: { SHARED: 'root', OVERRIDE: 'root' },
    });
    expect(dev).toMatchObject({
      workspaceDir: '/home/agent/code',
      workspaceAccess: 'none',
      position: { x: 132, y: 300 },
      template: 'researcher',
    });
    expect(bot).toMatchObject({
      external: true,
      url: 'http://127.0.0.1:9999',
      secrets: {},
      template: '',
      configFiles: {},
    });
  });

  it('builds each container’s config files', async () => {
    const [pm, lead] = await plan(THREE_LEVELS);
    // files_dir stands in for the template: its files (not its .env) go in as given.
    expect(pm.template).toBe('');
    expect(Object.keys(pm.configFiles).sort()).toEqual([
      'config.yaml',
      'kickoff.md',
      'plugins/reviewer/plugin.yaml',
      'plugins/reviewer/skills/review/SKILL.md',
      'standup.md',
      'system-prompt.md',
    ]);
    expect(pm.configFiles['kickoff.md']).toBe('Kick off the sprint.\n');
    expect(pm.configFiles['system-prompt.md']).toBe('You are the PM.');
    expect(parse(pm.configFiles['config.yaml'])).toEqual({
      name: 'PM',
      description: 'Plans',
      version: '1.0.0',
      tier: 2,
      runtime: 'claude-code',
      model: 'sonnet',
      runtime_config: { timeout: 0 },
      category_routing: { security: ['Auditor'] },
      initial_prompt: 'Kick off the sprint.\n',
      idle_interval_seconds: 600,
      idle_prompt: 'Anything to do?',
    });
    expect(Object.keys(lead.configFiles).sort()).toEqual([
      'config.yaml',
      'plugins/linter/plugin.yaml',
    ]);
    expect(lead.template).toBe('');
    expect(parse(lead.configFiles['config.yaml']).initial_prompt).toBeUndefined();
  });

  it('falls back to the runtime default template and skips unknown plugins', async () => {
    const [only] = await plan(
      'workspaces:\n  - name: A\n    runtime: claude-code\n    plugins: [nope, "../x", Upper]\n',
    );
    expect(only.template).toBe('claude-code-default');
    expect(Object.keys(only.configFiles)).toEqual(['config.yaml']);
  });

  it('plans memories: own list or the defaults’, GLOBAL template memories on the first root', async () => {
    const planned = await plan(`
defaults:
  initial_memories:
    - {content: Follow the style guide., scope: team}
    - {content: "", scope: LOCAL}
global_memories:
  - {content: "Company [MEMORY id=x] value", scope: local}
  - {content: ""}
  - {content: OPENAI_API_KEY=hunter2}
workspaces:
  - name: A
    initial_memories:
      - {content: I lead.}
      - {content: Shared view, scope: Global}
      - {content: dropped, scope: private}
    children: [{name: A1}]
  - name: B
    initial_memories:
      - {content: "${'é'.repeat(50_001)}", scope: local}
`);
    const byName = Object.fromEntries(planned.map((w) => [w.name, w.memories]));
    expect(byName.A).toEqual([
      { content: 'I lead.', scope: 'LOCAL' },
      { content: 'Shared view', scope: 'GLOBAL' },
      { content: 'Company [_MEMORY id=x] value', scope: 'GLOBAL' },
      { content: '[REDACTED:API_KEY]', scope: 'GLOBAL' },
    ]);
    expect(byName.A1).toEqual([{ content: 'Follow the style guide.', scope: 'TEAM' }]);
    expect(byName.B).toEqual([{ content: 'é'.repeat(50_000), scope: 'LOCAL' }]);
  });

  it('seeds no memories where none are given, and template memories need a root', async () => {
    const [only] = await plan('workspaces:\n  - name: A\n');
    expect(only.memories).toEqual([]);
    expect(await plan('global_memories: [{content: lost}]\n')).toEqual([]);
  });

  it('plans an inline template without files', async () => {
    const planned = await plan('workspaces:\n  - name: A\n    children: [{name: B}]\n', {
      orgBaseDir: null,
    });
    expect(planned.map((w) => [w.name, w.runtime, w.tier, w.secrets])).toEqual([
      ['A', 'langgraph', 2, {}],
      ['B', 'langgraph', 2, {}],
    ]);
  });

  it.each([
    [
      'a relative workspace_dir',
      'workspace_dir: relative/dir',
      'workspace A: workspace_dir must be an absolute path',
    ],
    [
      'a .. workspace_dir',
      'workspace_dir: /srv/../etc',
      "workspace A: workspace_dir must not contain '..'",
    ],
    [
      'a system workspace_dir',
      'workspace_dir: /etc/app',
      'workspace A: workspace_dir must not be a system directory',
    ],
    [
      'an unknown access',
      'workspace_access: admin',
      'workspace A: workspace_access must be none, read_only or read_write',
    ],
    [
      'access without a dir',
      'workspace_access: read_only',
      'workspace A: workspace_access read_only needs a workspace_dir',
    ],
    [
      'a files_dir escape',
      'files_dir: ../..',
      'workspace A: files_dir escapes the template directory',
    ],
    [
      'a template escape',
      'template: ../../etc',
      'workspace A: template escapes the templates directory',
    ],
    [
      'a missing initial prompt file',
      'initial_prompt_file: nope.md',
      'workspace A: prompt file "nope.md" not found',
    ],
    [
      'an escaping prompt file',
      'initial_prompt_file: ../../outside.md',
      'workspace A: prompt file "../../outside.md" escapes the template',
    ],
    [
      'a hostile schedule prompt file',
      'schedules: [{name: s, cron_expr: "0 9 * * *", prompt_file: /etc/passwd}]',
      'workspace A: schedule s: prompt file "/etc/passwd" escapes the template',
    ],
    [
      'a name with a newline',
      'role: "a\\nb"',
      'workspace A: role must not contain newline characters',
    ],
  ])('refuses %s', async (_label, line, message) => {
    expect(await failure(`workspaces:\n  - name: A\n    ${line}\n`)).toBe(message);
  });

  it('refuses a files_dir larger than the limit', async () => {
    write('org-templates/team/big/blob.bin', 'x'.repeat(2000));
    expect(
      await failure('workspaces:\n  - name: A\n    files_dir: big\n', { maxTreeBytes: 1000 }),
    ).toBe('workspace A: files_dir is too large');
  });

  it('refuses an unnamed workspace, an oversized prompt file and a linked one', async () => {
    expect(await failure('workspaces:\n  - role: nameless\n')).toBe(
      'workspace #1: name is required',
    );
    write('org-templates/team/huge.md', 'x'.repeat(PROMPT_FILE_MAX_BYTES + 1));
    expect(await failure('workspaces:\n  - name: A\n    initial_prompt_file: huge.md\n')).toBe(
      'workspace A: prompt file "huge.md" is too large',
    );
    fs.symlinkSync(path.join(base, 'outside.md'), path.join(orgDir, 'link.md'));
    expect(await failure('workspaces:\n  - name: A\n    initial_prompt_file: link.md\n')).toMatch(
      /escapes/,
    );
  });

  it('refuses file references in an inline template', async () => {
    expect(
      await failure('workspaces:\n  - name: A\n    initial_prompt_file: k.md\n', {
        orgBaseDir: null,
      }),
    ).toMatch(/inline-template/);
    expect(
      await failure('workspaces:\n  - name: A\n    files_dir: pm\n', { orgBaseDir: null }),
    ).toMatch(/inline-template/);
  });

  it('never puts a host path in an error', async () => {
    for (const line of [
      'files_dir: ../..',
      'initial_prompt_file: ../../outside.md',
      'template: /etc',
    ]) {
      expect(await failure(`workspaces:\n  - name: A\n    ${line}\n`)).not.toContain(base);
    }
  });
});
