import { parse } from 'yaml';
import {
  appendYamlBlock,
  mergeCategoryRouting,
  mergePlugins,
  renderCategoryRouting,
  renderTextField,
} from './org-config-files';

describe('mergePlugins', () => {
  it('unions defaults and node entries in order, deduplicated', () => {
    expect(mergePlugins(['a', 'b', 'a'], ['c', 'b'])).toEqual(['a', 'b', 'c']);
    expect(mergePlugins(['a'], [])).toEqual(['a']);
    expect(mergePlugins([], ['x'])).toEqual(['x']);
  });

  it('removes defaults with !name or -name', () => {
    expect(mergePlugins(['a', 'b', 'c'], ['!b', '-c', 'd'])).toEqual(['a', 'd']);
  });
});

describe('category routing', () => {
  it('inherits, replaces, drops on empty and adds', () => {
    expect(
      mergeCategoryRouting(
        { security: ['Auditor'], docs: ['Writer'], empty: [] },
        { security: ['Backend'], docs: [], infra: ['SRE'] },
      ),
    ).toEqual({ security: ['Backend'], infra: ['SRE'] });
  });

  it('renders sorted keys with flow lists that parse back, specials escaped', () => {
    const routing = { zeta: ['Z: "quoted"'], alpha: ['Line\nbreak', 'plain'] };
    const text = renderCategoryRouting(routing);
    expect(text.indexOf('alpha')).toBeLessThan(text.indexOf('zeta'));
    expect(parse(text)).toEqual({ category_routing: routing });
    expect(renderCategoryRouting({})).toBe('');
  });
});

describe('text fields and blocks', () => {
  it('renders prompts that parse back exactly', () => {
    for (const text of [
      'Run ${VAR}: "now"\n',
      'multi\nline\n  indented\n',
      '  leading spaces',
      'key: value # not a comment',
    ]) {
      expect(parse(renderTextField('initial_prompt', text))).toEqual({ initial_prompt: text });
    }
    expect(renderTextField('initial_prompt', '')).toBe('');
  });

  it('appends with a newline boundary', () => {
    expect(appendYamlBlock('a: 1', 'b: 2\n')).toBe('a: 1\nb: 2\n');
    expect(appendYamlBlock('a: 1\n', 'b: 2')).toBe('a: 1\nb: 2\n');
    expect(appendYamlBlock('a: 1\n', '')).toBe('a: 1\n');
    const config = appendYamlBlock('name: "x"', renderTextField('initial_prompt', 'go\nnow'));
    expect(parse(config)).toEqual({ name: 'x', initial_prompt: 'go\nnow' });
  });
});
