import { barePlugin, parsePluginManifest, supportsRuntime } from './plugin-manifest';

describe('parsePluginManifest', () => {
  it('reads the fields; the folder name wins over the manifest name', () => {
    const text = [
      'name: something-else',
      'version: 1.2.0',
      'description: Reviews code',
      'author: Acme',
      'tags: [review, quality]',
      'skills: [review]',
      'runtimes: [claude-code, hermes]',
    ].join('\n');
    expect(parsePluginManifest('reviewer', text)).toEqual({
      name: 'reviewer',
      version: '1.2.0',
      description: 'Reviews code',
      author: 'Acme',
      tags: ['review', 'quality'],
      skills: ['review'],
      runtimes: ['claude-code', 'hermes'],
    });
  });

  it('keeps absent lists null', () => {
    expect(parsePluginManifest('p', 'version: "0.1"\n')).toEqual({
      name: 'p',
      version: '0.1',
      description: '',
      author: '',
      tags: null,
      skills: null,
      runtimes: null,
    });
  });

  it.each([[undefined], ['name: [unclosed'], ['- a list'], ['tags: not-a-list'], ['a: &a [*a]']])(
    'falls back to the bare entry for %p',
    (text) => {
      expect(parsePluginManifest('p', text)).toEqual(barePlugin('p'));
    },
  );
});

describe('supportsRuntime', () => {
  const plugin = (runtimes: string[] | null) => ({
    ...parsePluginManifest('p', undefined),
    runtimes,
  });

  it('supports everything when no runtimes are declared', () => {
    expect(supportsRuntime(plugin(null), 'hermes')).toBe(true);
    expect(supportsRuntime(plugin([]), 'hermes')).toBe(true);
  });

  it('matches declared runtimes with - and _ equivalent', () => {
    expect(supportsRuntime(plugin(['claude-code']), 'claude_code')).toBe(true);
    expect(supportsRuntime(plugin(['claude_code']), 'claude-code')).toBe(true);
    expect(supportsRuntime(plugin(['claude-code']), 'hermes')).toBe(false);
  });
});
