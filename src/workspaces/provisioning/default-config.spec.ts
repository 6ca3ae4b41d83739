import { parse } from 'yaml';
import { defaultModel, generateDefaultConfig, sanitizeRuntime } from './default-config';
import { goQuote } from './go-quote';

const base = { name: 'Agent', role: '', tier: 2, runtime: 'langgraph', model: '' };

describe('generateDefaultConfig (spec 04 §4.10)', () => {
  it('writes the reference’s lines, quoted, with the default model', () => {
    expect(generateDefaultConfig(base)).toBe(
      'name: "Agent"\ndescription: ""\nversion: 1.0.0\ntier: 2\nruntime: langgraph\nmodel: "anthropic:claude-opus-4-7"\n',
    );
  });

  it('adds runtime_config with timeout 0 except for langgraph and deepagents', () => {
    for (const runtime of ['langgraph', 'deepagents']) {
      expect(generateDefaultConfig({ ...base, runtime })).not.toContain('runtime_config');
    }
    for (const runtime of ['claude-code', 'hermes', 'crewai', 'codex']) {
      expect(generateDefaultConfig({ ...base, runtime })).toContain(
        'runtime_config:\n  timeout: 0\n',
      );
    }
  });

  it('defaults the model to sonnet for claude-code', () => {
    expect(defaultModel('claude-code')).toBe('sonnet');
    expect(generateDefaultConfig({ ...base, runtime: 'claude-code' })).toContain('model: "sonnet"');
  });

  it('collapses an injected or unknown runtime to langgraph', () => {
    for (const runtime of ['../../etc', 'langgraph\nrequired_env: [X]', 'cobol', '', '  ']) {
      expect(generateDefaultConfig({ ...base, runtime })).toContain('\nruntime: langgraph\n');
    }
  });

  it('cannot be made to add keys through the name, role or model', () => {
    const text = generateDefaultConfig({
      ...base,
      name: 'x"\nrequired_env: [STEAL]\nname: "y',
      role: 'r\r\n  evil: 1',
      model: 'm"\ntier: 4',
    });
    expect(Object.keys(parse(text) as object)).toEqual([
      'name',
      'description',
      'version',
      'tier',
      'runtime',
      'model',
    ]);
    expect(parse(text)).toMatchObject({
      name: 'x" required_env: [STEAL] name: "y',
      tier: 2,
      model: 'm" tier: 4',
      description: 'r   evil: 1',
    });
  });
});

describe('sanitizeRuntime', () => {
  it.each([
    ['langgraph', 'langgraph'],
    [' hermes ', 'hermes'],
    ['external', 'external'],
    ['gemini-cli', 'gemini-cli'],
    ['', 'langgraph'],
    ['Hermes', 'langgraph'],
    ['../hermes', 'langgraph'],
    ['hermes\n', 'hermes'],
    ['her\nmes', 'langgraph'],
  ])('%j → %s', (input, expected) => {
    expect(sanitizeRuntime(input)).toBe(expected);
  });
});

describe('goQuote (Go strconv.Quote)', () => {
  it.each([
    ['', '""'],
    ['plain', '"plain"'],
    ['say "hi"\\', '"say \\"hi\\"\\\\"'],
    ['tab\tnew\nline', '"tab\\tnew\\nline"'],
    ['bell\x07nul\x00del\x7f', '"bell\\anul\\x00del\\x7f"'],
    ['héllo 世界 🚀', '"héllo 世界 🚀"'],
    ['zero\u200bwidth', '"zero\\u200bwidth"'],
    ['\ud800', '"\\ufffd"'],
  ])('%j', (input, expected) => {
    expect(goQuote(input)).toBe(expected);
  });
});
