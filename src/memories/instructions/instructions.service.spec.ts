import { apiFailure } from '../../../test/support/unit';
import { parseInstructionChanges, parseNewInstruction } from './instruction-input';
import { render } from './instructions.service';

describe('render (resolve text)', () => {
  it('matches the contract example', () => {
    expect(
      render([
        { scope: 'global', title: 'A', content: 'x' },
        { scope: 'workspace', title: 'B', content: 'y' },
      ]),
    ).toBe('\n## Platform-Wide Rules\n\n### A\nx\n\n\n## Role-Specific Rules\n\n### B\ny\n\n');
  });

  it('one header per scope run; "" for nothing', () => {
    expect(render([])).toBe('');
    expect(
      render([
        { scope: 'workspace', title: 'B', content: 'y' },
        { scope: 'workspace', title: 'C', content: 'z' },
      ]),
    ).toBe('\n## Role-Specific Rules\n\n### B\ny\n\n### C\nz\n\n');
  });
});

describe('instruction input', () => {
  const fail = (fn: () => unknown) => apiFailure(Promise.resolve().then(fn));

  it('new: global clears scope_target; workspace canonicalises it; priority defaults to 0', () => {
    expect(
      parseNewInstruction({ scope: 'global', title: 't', content: 'c', scope_target: 'x' }),
    ).toEqual({
      scope: 'global',
      scopeTarget: null,
      title: 't',
      content: 'c',
      priority: 0,
    });
    const id = '7F0C9A52-8F0E-4D8A-9D35-6C1E7E0F4A21';
    expect(
      parseNewInstruction({
        scope: 'workspace',
        title: 't',
        content: 'c',
        scope_target: id,
        priority: -2,
      }),
    ).toMatchObject({ scopeTarget: id.toLowerCase(), priority: -2 });
  });

  it('new: checks in the contract order (required, scope, target, content, title)', async () => {
    expect(await fail(() => parseNewInstruction({ scope: 'team', title: '' }))).toEqual([
      400,
      { error: 'scope, title, and content are required' },
    ]);
    expect(
      await fail(() =>
        parseNewInstruction({ scope: 'team', title: 't'.repeat(300), content: 'c' }),
      ),
    ).toEqual([400, { error: 'scope must be global or workspace (team scope not yet supported)' }]);
    expect(
      await fail(() =>
        parseNewInstruction({
          scope: 'workspace',
          title: 't'.repeat(300),
          content: 'c'.repeat(9000),
        }),
      ),
    ).toEqual([400, { error: 'scope_target required for workspace scope' }]);
    expect(
      await fail(() =>
        parseNewInstruction({ scope: 'global', title: 't'.repeat(300), content: 'c'.repeat(9000) }),
      ),
    ).toEqual([400, { error: 'content exceeds 8192 chars' }]);
  });

  it('changes: only present, non-null fields', () => {
    expect(
      parseInstructionChanges({ title: 'x', content: null, priority: 0, enabled: false }),
    ).toEqual({
      title: 'x',
      priority: 0,
      enabled: false,
    });
    expect(parseInstructionChanges({})).toEqual({});
  });
});
