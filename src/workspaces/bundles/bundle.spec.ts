import { BUNDLE_LIMITS, BundleError, isSafeRelativePath, parseBundle } from './bundle';
import { skillDescription } from './bundle-export.service';

describe('parseBundle', () => {
  it('reads a full bundle, zero-valuing what is missing', () => {
    const bundle = parseBundle({
      schema: '1.0',
      id: 'b-1',
      name: 'Researcher',
      tier: 2,
      agent_card: { name: 'r', skills: [] },
      prompts: { 'config.yaml': 'runtime: hermes\n' },
      skills: [{ id: 'search', name: 'Search', files: { 'SKILL.md': '# S', 'lib/x.py': 'x' } }],
      sub_workspaces: [{ name: 'Child' }],
      unknown_key: true,
    });
    expect(bundle).toMatchObject({
      name: 'Researcher',
      description: '',
      tier: 2,
      model: '',
      runtime: '',
      agent_card: { name: 'r', skills: [] },
      skills: [{ id: 'search', description: '', files: { 'SKILL.md': '# S', 'lib/x.py': 'x' } }],
      sub_workspaces: [{ name: 'Child', tier: 0, agent_card: null, sub_workspaces: [] }],
    });
  });

  it.each([
    ['no name', {}],
    ['an empty name', { name: ' ' }],
    ['a name with a newline', { name: 'a\nb' }],
    ['a role with YAML characters', { name: 'a', description: 'x: {y}' }],
    ['a string tier', { name: 'a', tier: '2' }],
    ['a fractional tier', { name: 'a', tier: 2.5 }],
    ['a skill id with a slash', { name: 'a', skills: [{ id: '../x', files: {} }] }],
    [
      'a skill file escaping its skill',
      { name: 'a', skills: [{ id: 's', files: { '../../x': 'x' } }] },
    ],
    ['an absolute prompt path', { name: 'a', prompts: { '/etc/cron.d/x': 'x' } }],
    ['a backslash prompt path', { name: 'a', prompts: { 'a\\..\\b': 'x' } }],
    ['non-text file content', { name: 'a', prompts: { 'config.yaml': 1 } }],
    ['a child without a name', { name: 'a', sub_workspaces: [{}] }],
    ['sub_workspaces that is not a list', { name: 'a', sub_workspaces: {} }],
  ])('refuses %s', (_label, value) => {
    expect(() => parseBundle(value)).toThrow(BundleError);
  });

  it('bounds the tree', () => {
    let deep: Record<string, unknown> = { name: 'leaf' };
    for (let i = 0; i < BUNDLE_LIMITS.maxDepth; i++)
      deep = { name: `n${i}`, sub_workspaces: [deep] };
    expect(() => parseBundle(deep)).toThrow(/deeply/);
    const wide = {
      name: 'r',
      sub_workspaces: Array.from({ length: BUNDLE_LIMITS.maxNodes }, (_, i) => ({ name: `c${i}` })),
    };
    expect(() => parseBundle(wide)).toThrow(/too many/);
  });

  it('judges relative paths', () => {
    for (const ok of ['config.yaml', 'a/b/c.md', '.hidden', 'a..b'])
      expect(isSafeRelativePath(ok)).toBe(true);
    for (const bad of ['', '/x', '../x', 'a/../../x', 'a//b', './x', 'C:/x', 'a\0b']) {
      expect(isSafeRelativePath(bad)).toBe(false);
    }
  });
});

describe('skillDescription', () => {
  it('takes the first prose line after the front matter', () => {
    expect(
      skillDescription('---\nname: s\ndescription: no\n---\n# Title\n\nSearches the web.\nMore.'),
    ).toBe('Searches the web.');
    expect(skillDescription('# Only a heading\n')).toBe('');
    expect(skillDescription('Plain first line')).toBe('Plain first line');
  });
});
