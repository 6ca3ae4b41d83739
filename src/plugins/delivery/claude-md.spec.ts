import { stripPluginBlocks } from './claude-md';

describe('stripPluginBlocks', () => {
  const doc = [
    '# Project rules',
    'Be kind.',
    '# Plugin: review / rule: style.md',
    'Use tabs.',
    '# Plugin: review / rule: tests.md',
    'Write tests.',
    '# Plugin: reviewer-pro / rule: x.md',
    'Keep me.',
    '# Plugin: review / skill: y',
    'Drop me.',
    '',
  ].join('\n');

  it('removes only the named plugin’s blocks', () => {
    expect(stripPluginBlocks(doc, 'review')).toBe(
      ['# Project rules', 'Be kind.', '# Plugin: reviewer-pro / rule: x.md', 'Keep me.', ''].join(
        '\n',
      ),
    );
  });

  it('leaves a document without the plugin untouched, byte for byte', () => {
    const text = 'a\r\nb\n# Plugin: other / r\nc';
    expect(stripPluginBlocks(text, 'review')).toBe(text);
  });

  it('treats regex characters in the name literally', () => {
    expect(stripPluginBlocks('# Plugin: a.b+c / r\nx\nkeep', 'a.b+c')).toBe('');
    expect(stripPluginBlocks('# Plugin: aXb / r\nx', 'a.b')).toBe('# Plugin: aXb / r\nx');
  });
});
