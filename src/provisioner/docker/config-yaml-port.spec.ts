import { withA2aPort } from './config-yaml-port';

describe('withA2aPort', () => {
  it('adds a2a.port to a config without one, keeping everything else', () => {
    expect(withA2aPort('# comment\nname: "x"\nruntime_config:\n  timeout: 0\n', 41000)).toBe(
      '# comment\nname: "x"\nruntime_config:\n  timeout: 0\na2a:\n  port: 41000\n',
    );
  });

  it('replaces an existing port and keeps the other a2a keys', () => {
    expect(withA2aPort('a2a:\n  port: 8000\n  streaming: true\n', 41001)).toBe(
      'a2a:\n  port: 41001\n  streaming: true\n',
    );
    expect(withA2aPort('a2a: { streaming: false }\n', 41002)).toBe(
      'a2a: { streaming: false, port: 41002 }\n',
    );
  });

  it('writes a config that is empty', () => {
    expect(withA2aPort('', 41003)).toBe('a2a:\n  port: 41003\n');
  });

  it.each([['a2a: 8000\n'], ['- a list\n'], ['name: [unclosed\n']])(
    'leaves %p alone (undefined)',
    (text) => {
      expect(withA2aPort(text, 1)).toBeUndefined();
    },
  );
});
