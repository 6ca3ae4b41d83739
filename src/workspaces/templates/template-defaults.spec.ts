import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTemplateDefaults, scanTemplateDefaults } from './template-defaults';

describe('scanTemplateDefaults', () => {
  it('reads runtime and the model nested under runtime_config (hermes)', () => {
    const text = [
      'name: Hermes',
      'runtime: hermes',
      'tier: 1',
      'runtime_config:',
      '  timeout: 0',
      '  model: "nousresearch/hermes-4-70b"',
    ].join('\n');
    expect(scanTemplateDefaults(text)).toStrictEqual({
      runtime: 'hermes',
      model: 'nousresearch/hermes-4-70b',
    });
  });

  it('reads a legacy top-level model with its quotes stripped', () => {
    expect(
      scanTemplateDefaults("name: Legacy\nmodel: 'anthropic:claude-opus-4-7'\ntier: 1\n"),
    ).toStrictEqual({
      model: 'anthropic:claude-opus-4-7',
    });
  });

  it('keeps the quotes around a runtime (reference quirk)', () => {
    expect(scanTemplateDefaults('runtime: "claude-code"\n')).toStrictEqual({
      runtime: '"claude-code"',
    });
  });

  it('does not take a runtime_config: line as the runtime', () => {
    expect(scanTemplateDefaults('runtime_config:\n  timeout: 0\n')).toStrictEqual({});
  });

  it('ignores an indented model: outside runtime_config', () => {
    const text = ['skills_config:', '  model: wrong', 'runtime: crewai'].join('\n');
    expect(scanTemplateDefaults(text)).toStrictEqual({ runtime: 'crewai' });
  });

  it('closes the runtime_config block at the next top-level key', () => {
    const text = ['runtime_config:', '  timeout: 0', 'other:', '  model: wrong'].join('\n');
    expect(scanTemplateDefaults(text)).toStrictEqual({});
  });

  it('keeps the block open across blank and comment lines', () => {
    const text = ['runtime_config:', '', '# the model', '  model: gpt-5'].join('\n');
    expect(scanTemplateDefaults(text)).toStrictEqual({ model: 'gpt-5' });
  });

  it('prefers the top-level model over runtime_config.model', () => {
    const text = ['runtime_config:', '  model: nested', 'model: top'].join('\n');
    expect(scanTemplateDefaults(text)).toStrictEqual({ model: 'top' });
  });

  it('matches a model: line at any depth inside runtime_config', () => {
    const text = ['runtime_config:', '  models:', '    - id: a', '      model: deep'].join('\n');
    expect(scanTemplateDefaults(text)).toStrictEqual({ model: 'deep' });
  });

  it('takes the first non-empty value, trims CRLF, and keeps inline comments', () => {
    const text = 'runtime:\r\nruntime: langgraph # default\r\nruntime: other\r\nmodel: ""\r\n';
    expect(scanTemplateDefaults(text)).toStrictEqual({ runtime: 'langgraph # default' });
  });

  it('does not confuse models: with model:', () => {
    expect(scanTemplateDefaults('models: x\n')).toStrictEqual({});
  });
});

describe('readTemplateDefaults', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-template-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads config.yaml in the template dir', () => {
    fs.writeFileSync(path.join(dir, 'config.yaml'), 'runtime: hermes\nmodel: x\n');
    expect(readTemplateDefaults(dir)).toStrictEqual({ runtime: 'hermes', model: 'x' });
  });

  it('tolerates a missing config.yaml or template dir', () => {
    expect(readTemplateDefaults(dir)).toStrictEqual({});
    expect(readTemplateDefaults(path.join(dir, 'absent'))).toStrictEqual({});
  });
});
