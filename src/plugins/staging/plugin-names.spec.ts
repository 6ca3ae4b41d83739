import { isValidPluginName, pluginNameProblem } from './plugin-names';

describe('plugin name check', () => {
  it.each([['my-plugin'], ['plugin_v2'], ['AwesomePlugin'], ['plugin123'], ['a'], ['.']])(
    'accepts %p',
    (name) => {
      expect(isValidPluginName(name)).toBe(true);
    },
  );

  it.each([
    ['', 'plugin name is required'],
    ['foo/bar', "invalid plugin name: must not contain path separators or '..'"],
    ['foo\\bar', "invalid plugin name: must not contain path separators or '..'"],
    ['..', "invalid plugin name: must not contain path separators or '..'"],
    ['a..b', "invalid plugin name: must not contain path separators or '..'"],
    ['../../etc/passwd', "invalid plugin name: must not contain path separators or '..'"],
  ])('refuses %p: %s', (name, problem) => {
    expect(pluginNameProblem(name)).toBe(problem);
  });
});
