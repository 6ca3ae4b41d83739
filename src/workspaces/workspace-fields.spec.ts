import {
  isValidWorkspaceAccess,
  isValidWorkspaceDir,
  workspaceFieldError,
} from './workspace-fields';

describe('workspaceFieldError', () => {
  it('accepts absent and ordinary fields', () => {
    expect(workspaceFieldError({})).toBeUndefined();
    expect(
      workspaceFieldError({
        name: 'Research Lead (EU)',
        role: 'Plans the week: research, drafts; reviews.',
        model: 'anthropic:claude-opus-4-7',
        runtime: 'claude-code',
      }),
    ).toBeUndefined();
  });

  it.each(['name', 'role', 'model', 'runtime'] as const)(
    'refuses a newline or a carriage return in %s',
    (field) => {
      const message = `${field} must not contain newline characters`;
      expect(workspaceFieldError({ [field]: 'a\nb' })).toBe(message);
      expect(workspaceFieldError({ [field]: 'a\rb' })).toBe(message);
      expect(workspaceFieldError({ [field]: 'trailing\r\n' })).toBe(message);
    },
  );

  it.each(['{', '}', '[', ']', '|', '>', '*', '&', '!'])(
    'refuses %s in name and role but not in model or runtime',
    (char) => {
      expect(workspaceFieldError({ name: `a${char}b` })).toBe('name contains invalid characters');
      expect(workspaceFieldError({ role: `a${char}b` })).toBe('role contains invalid characters');
      expect(workspaceFieldError({ model: `a${char}b`, runtime: `a${char}b` })).toBeUndefined();
    },
  );

  it('allows other punctuation in name and role', () => {
    expect(workspaceFieldError({ name: `a-b_c.d:e/f'g"h(i)#%@~,?=+$`, role: '<x>' })).toBe(
      'role contains invalid characters',
    );
    expect(
      workspaceFieldError({ name: `a-b_c.d:e/f'g"h(i)#%@~,?=+$`, role: '<x' }),
    ).toBeUndefined();
  });

  it.each([
    ['name', 255],
    ['role', 1000],
    ['model', 100],
    ['runtime', 100],
  ] as const)('limits %s to %i bytes (ASCII boundary)', (field, limit) => {
    expect(workspaceFieldError({ [field]: 'a'.repeat(limit) })).toBeUndefined();
    expect(workspaceFieldError({ [field]: 'a'.repeat(limit + 1) })).toBe(
      `${field} must be at most ${limit} characters`,
    );
  });

  it('counts UTF-8 bytes, not characters', () => {
    // é is 2 bytes, € 3, 😀 4 (a surrogate pair: 2 UTF-16 units).
    expect(workspaceFieldError({ name: 'é'.repeat(127) + 'a' })).toBeUndefined(); // 255 bytes
    expect(workspaceFieldError({ name: 'é'.repeat(128) })).toBe(
      'name must be at most 255 characters',
    ); // 128 characters, 256 bytes
    expect(workspaceFieldError({ name: '€'.repeat(85) })).toBeUndefined(); // 255 bytes
    expect(workspaceFieldError({ name: '€'.repeat(85) + 'a' })).toBe(
      'name must be at most 255 characters',
    );
    expect(workspaceFieldError({ model: '😀'.repeat(25) })).toBeUndefined(); // 100 bytes
    expect(workspaceFieldError({ model: '😀'.repeat(25) + 'a' })).toBe(
      'model must be at most 100 characters',
    );
    expect(workspaceFieldError({ role: '€'.repeat(333) + 'a' })).toBeUndefined(); // 1000 bytes
    expect(workspaceFieldError({ role: '€'.repeat(334) })).toBe(
      'role must be at most 1000 characters',
    );
  });

  it('reports the first failure: newlines, then characters, then lengths, field by field', () => {
    expect(workspaceFieldError({ name: '{x}', runtime: 'a\nb' })).toBe(
      'runtime must not contain newline characters',
    );
    expect(workspaceFieldError({ name: 'a'.repeat(300), role: 'x|y' })).toBe(
      'role contains invalid characters',
    );
    expect(workspaceFieldError({ name: 'x!', role: 'x|y' })).toBe(
      'name contains invalid characters',
    );
    expect(workspaceFieldError({ role: 'a'.repeat(1001), model: 'a'.repeat(101) })).toBe(
      'role must be at most 1000 characters',
    );
    expect(workspaceFieldError({ model: 'a'.repeat(101), runtime: 'a'.repeat(101) })).toBe(
      'model must be at most 100 characters',
    );
  });
});

describe('isValidWorkspaceDir', () => {
  it.each(['/home/me/project', '/srv/agents/a', '/usrlocal', '/opt/etc', '/home/me/'])(
    'accepts %s',
    (dir) => expect(isValidWorkspaceDir(dir)).toBe(true),
  );

  it.each([
    ['a relative path', 'home/me'],
    ['a dot path', './project'],
    ['a parent reference', '/home/me/../other'],
    ['dots inside a name', '/home/me/a..b'],
    ['/etc', '/etc'],
    ['a path under /etc', '/etc/passwd'],
    ['a trailing slash on a system dir', '/var/'],
    ['a doubled slash into a system dir', '//proc/1'],
    ['/sys', '/sys/kernel'],
    ['/dev', '/dev'],
    ['/boot', '/boot/efi'],
    ['/sbin', '/sbin'],
    ['/bin', '/bin/sh'],
    ['/lib', '/lib/x86_64-linux-gnu'],
    ['/usr', '/usr/local/bin'],
    ['a dot segment into a system dir', '/./etc'],
    ['the host root, which holds every system dir', '/'],
    ['the host root spelled twice', '//'],
  ])('refuses %s (%s)', (_label, dir) => expect(isValidWorkspaceDir(dir)).toBe(false));
});

describe('isValidWorkspaceAccess', () => {
  it('accepts none (or nothing) with or without a directory', () => {
    expect(isValidWorkspaceAccess('', '')).toBe(true);
    expect(isValidWorkspaceAccess('none', '')).toBe(true);
    expect(isValidWorkspaceAccess('none', '/home/me')).toBe(true);
  });

  it('needs a directory for read_only and read_write', () => {
    expect(isValidWorkspaceAccess('read_only', '/home/me')).toBe(true);
    expect(isValidWorkspaceAccess('read_write', '/home/me')).toBe(true);
    expect(isValidWorkspaceAccess('read_only', '')).toBe(false);
    expect(isValidWorkspaceAccess('read_write', '')).toBe(false);
  });

  it('refuses anything else', () => {
    for (const access of ['NONE', 'Read_Only', 'rw', 'read-write', ' none', 'admin']) {
      expect(isValidWorkspaceAccess(access, '/home/me')).toBe(false);
    }
  });
});
