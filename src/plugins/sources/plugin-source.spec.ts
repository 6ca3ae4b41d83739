import {
  parsePluginSource,
  PluginNotFoundError,
  SourceParseError,
  SourceResolver,
} from './plugin-source';
import { PluginSourceRegistry, UnknownSchemeError } from './plugin-sources';

describe('parsePluginSource', () => {
  it.each([
    ['my-plugin', 'local', 'my-plugin', 'local://my-plugin'],
    ['  my-plugin  ', 'local', 'my-plugin', 'local://my-plugin'],
    ['local://my-plugin', 'local', 'my-plugin', 'local://my-plugin'],
    ['github://owner/repo', 'github', 'owner/repo', 'github://owner/repo'],
    ['github://owner/repo#v1.2.0', 'github', 'owner/repo#v1.2.0', 'github://owner/repo#v1.2.0'],
    ['clawhub://sonoscli@1.2.0', 'clawhub', 'sonoscli@1.2.0', 'clawhub://sonoscli@1.2.0'],
    ['https://example.com/p.tgz', 'https', 'example.com/p.tgz', 'https://example.com/p.tgz'],
    ['local://  spaced  ', 'local', 'spaced', 'local://spaced'],
  ])('%p → %s / %s', (input, scheme, spec, raw) => {
    expect(parsePluginSource(input)).toEqual({ scheme, spec, raw });
  });

  it.each([[''], ['   '], ['\t\n']])('refuses the empty source %p', (input) => {
    expect(() => parsePluginSource(input)).toThrow(new SourceParseError('empty source spec'));
  });

  it.each([['local://'], ['github://'], ['https://'], ['local://   ']])(
    'refuses %p: empty spec after the scheme',
    (input) => {
      expect(() => parsePluginSource(input)).toThrow(/empty spec/);
    },
  );
});

describe('PluginSourceRegistry', () => {
  const resolver = (scheme: string, name = scheme): SourceResolver => ({
    scheme,
    fetch: () => Promise.resolve(name),
  });

  it('resolves registered schemes and lists them sorted', () => {
    const registry = new PluginSourceRegistry();
    expect(registry.schemes()).toEqual([]);
    const local = resolver('local');
    registry.register(resolver('zeta'));
    registry.register(local);
    registry.register(resolver('github'));
    expect(registry.resolve('local')).toBe(local);
    expect(registry.schemes()).toEqual(['github', 'local', 'zeta']);
  });

  it('names the scheme it has no resolver for', () => {
    expect(() => new PluginSourceRegistry().resolve('ftp')).toThrow(new UnknownSchemeError('ftp'));
    expect(() => new PluginSourceRegistry().resolve('ftp')).toThrow(
      'no resolver registered for scheme "ftp"',
    );
  });

  it('lets a later registration replace a scheme', async () => {
    const registry = new PluginSourceRegistry();
    registry.register(resolver('local', 'first'));
    registry.register(resolver('local', 'second'));
    const signal = new AbortController().signal;
    await expect(registry.resolve('local').fetch('x', '/tmp', signal)).resolves.toBe('second');
    expect(registry.schemes()).toEqual(['local']);
  });
});

describe('PluginNotFoundError', () => {
  it('is recognisable by type and says so', () => {
    const err = new PluginNotFoundError('local plugin "x"');
    expect(err).toBeInstanceOf(PluginNotFoundError);
    expect(err.message).toContain('plugin not found');
  });
});
