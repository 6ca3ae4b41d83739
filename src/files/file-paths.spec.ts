import { cleanRelativePath, isCredentialFile, parseRoot } from './file-paths';

describe('the relative-path rule (spec 07 §1.1)', () => {
  it.each([
    ['config.yaml', 'config.yaml'],
    ['skills/my-skill/SKILL.md', 'skills/my-skill/SKILL.md'],
    ['a/b/c.txt', 'a/b/c.txt'],
    ['.env', '.env'],
    ['foo/./bar', 'foo/bar'],
    ['./file.cfg', 'file.cfg'],
    ['C:\\Windows\\System32', 'C:\\Windows\\System32'],
    ['foo/etc/passwd', 'foo/etc/passwd'],
    ['app.venv/config', 'app.venv/config'],
    ['skills/', 'skills'],
    ['a//b', 'a/b'],
  ])('accepts %j as %j', (raw, clean) => {
    expect(cleanRelativePath(raw)).toBe(clean);
  });

  it.each([
    '',
    '.',
    './',
    '../',
    '../etc/passwd',
    '../../secrets',
    'foo/../bar',
    'a/b/../../c',
    'foo/..',
    '..',
    'notes..md',
    '/etc/passwd',
    '/absolute/path',
    '/workspace/file.txt',
    'a\0b',
  ])('refuses %j', (raw) => {
    expect(cleanRelativePath(raw)).toBeNull();
  });
});

describe('roots (spec 07 §1.2)', () => {
  it('defaults to /configs and accepts only the exact roots', () => {
    expect(parseRoot(undefined)).toBe('/configs');
    for (const root of ['/configs', '/workspace', '/home', '/plugins'])
      expect(parseRoot(root)).toBe(root);
    for (const bad of ['', '/configs/', '/etc', '/tmp', 'configs'])
      expect(parseRoot(bad)).toBeNull();
  });
});

describe('credential files (spec 07 §1.6)', () => {
  it('are the two platform-written files at the top of /configs only', () => {
    expect(isCredentialFile('/configs', '.auth_token')).toBe(true);
    expect(isCredentialFile('/configs', '.platform_inbound_secret')).toBe(true);
    expect(isCredentialFile('/configs', 'sub/.auth_token')).toBe(false);
    expect(isCredentialFile('/home', '.auth_token')).toBe(false);
  });
});
