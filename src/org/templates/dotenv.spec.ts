import { expandVars, hasUnresolvedVarRef, parseDotEnv } from './dotenv';

describe('parseDotEnv', () => {
  it('reads KEY=VALUE lines with the reference rules', () => {
    const text = [
      '# comment',
      '',
      'PLAIN=value',
      '  SPACED  =  padded  ',
      'DOUBLE="quoted value"',
      "SINGLE='single'",
      'MIXED="keeps\'',
      'EQUALS=a=b=c',
      'EMPTY=',
      '=novalue',
      'NOEQUALS',
      'CRLF=win\r',
    ].join('\n');
    expect(parseDotEnv(text)).toEqual({
      PLAIN: 'value',
      SPACED: 'padded',
      DOUBLE: 'quoted value',
      SINGLE: 'single',
      MIXED: '"keeps\'',
      EQUALS: 'a=b=c',
      CRLF: 'win',
    });
  });
});

describe('expandVars', () => {
  it('prefers the map over the process env; unset is empty', () => {
    const env = { HOME: '/home/agent', FROM_ENV: 'env' };
    expect(expandVars('${HOME}/work', {}, env)).toBe('/home/agent/work');
    expect(expandVars('$FROM_ENV-$HOME', { HOME: '/srv' }, env)).toBe('env-/srv');
    expect(expandVars('/x/${UNSET}/y', {}, env)).toBe('/x//y');
    expect(expandVars('cost $5', {}, env)).toBe('cost $5');
  });
});

describe('hasUnresolvedVarRef', () => {
  it.each([
    ['no vars', 'plain', 'plain', false],
    ['a literal dollar', 'costs $5', 'costs $5', false],
    ['resolved', '${TOKEN}', 'abc', false],
    ['unresolved braces', '${TOKEN}', '', true],
    ['unresolved bare', '$TOKEN', '', true],
    ['still referencing', '${A}', '${B}', true],
  ])('%s', (_label, original, expanded, unresolved) => {
    expect(hasUnresolvedVarRef(original, expanded)).toBe(unresolved);
  });
});
