import { parse } from 'yaml';
import { defaultModelFor, generateDefaultConfig, sanitizeRuntime } from './default-config';

describe('generateDefaultConfig', () => {
  it('writes the §4.10 lines for langgraph', () => {
    expect(
      generateDefaultConfig({
        name: 'PM',
        role: 'Plans',
        tier: 2,
        runtime: 'langgraph',
        model: '',
      }),
    ).toBe(
      [
        'name: "PM"',
        'description: "Plans"',
        'version: 1.0.0',
        'tier: 2',
        'runtime: langgraph',
        'model: "anthropic:claude-opus-4-7"',
        '',
      ].join('\n'),
    );
  });

  it('adds runtime_config for other runtimes and defaults claude-code to sonnet', () => {
    const text = generateDefaultConfig({
      name: 'Dev',
      role: '',
      tier: 3,
      runtime: 'claude-code',
      model: '',
    });
    expect(parse(text)).toEqual({
      name: 'Dev',
      description: '',
      version: '1.0.0',
      tier: 3,
      runtime: 'claude-code',
      model: 'sonnet',
      runtime_config: { timeout: 0 },
    });
  });

  it('cannot be made to add keys through a name', () => {
    const name = 'x"\nruntime: evil\r\nextra: "y';
    const parsed = parse(
      generateDefaultConfig({ name, role: 'a: b', tier: 1, runtime: 'hermes', model: 'm' }),
    );
    expect(parsed.name).toBe('x" runtime: evil extra: "y');
    expect(parsed.description).toBe('a: b');
    expect(parsed.runtime).toBe('hermes');
    expect(Object.keys(parsed)).toEqual([
      'name',
      'description',
      'version',
      'tier',
      'runtime',
      'model',
      'runtime_config',
    ]);
  });

  it('sanitizes the runtime against the known list', () => {
    expect(sanitizeRuntime(' hermes ')).toBe('hermes');
    expect(sanitizeRuntime('../../etc')).toBe('langgraph');
    expect(sanitizeRuntime('')).toBe('langgraph');
    expect(defaultModelFor('deepagents')).toBe('anthropic:claude-opus-4-7');
  });
});
