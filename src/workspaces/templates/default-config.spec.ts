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

  it('adds runtime_config except for langgraph and deepagents', () => {
    const config = (runtime: string) =>
      generateDefaultConfig({ name: 'x', role: '', tier: 2, runtime, model: '' });
    for (const runtime of ['langgraph', 'deepagents'])
      expect(config(runtime)).not.toContain('runtime_config');
    for (const runtime of ['claude-code', 'hermes', 'crewai', 'codex'])
      expect(config(runtime)).toContain('runtime_config:\n  timeout: 0\n');
  });

  it('cannot be made to add keys through the role or model either, and quotes as Go does', () => {
    const text = generateDefaultConfig({
      name: 'Zoë\u200b',
      role: 'r\r\n  evil: 1',
      tier: 2,
      runtime: 'langgraph\nrequired_env: [X]',
      model: 'm"\ntier: 4',
    });
    expect(text.split('\n')[0]).toBe('name: "Zoë\\u200b"');
    expect(parse(text)).toEqual({
      name: 'Zoë\u200b',
      description: 'r   evil: 1',
      version: '1.0.0',
      tier: 2,
      runtime: 'langgraph',
      model: 'm" tier: 4',
    });
  });
});

describe('sanitizeRuntime', () => {
  it.each([
    ['langgraph', 'langgraph'],
    ['external', 'external'],
    ['gemini-cli', 'gemini-cli'],
    ['Hermes', 'langgraph'],
    ['../hermes', 'langgraph'],
    ['hermes\n', 'hermes'],
    ['her\nmes', 'langgraph'],
  ])('%j → %s', (input, expected) => {
    expect(sanitizeRuntime(input)).toBe(expected);
  });
});
