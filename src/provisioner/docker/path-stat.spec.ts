import { parsePathStat } from './path-stat';

const header = (stat: object) => Buffer.from(JSON.stringify(stat)).toString('base64');

describe('parsePathStat', () => {
  it.each([
    [0o644, 'file'],
    [2 ** 31 + 0o755, 'dir'],
    [2 ** 27 + 0o777, 'symlink'],
    [2 ** 26 + 2 ** 21 + 0o600, 'other'],
    [2 ** 25 + 0o600, 'other'],
  ])('mode %i is a %s', (mode, kind) => {
    expect(parsePathStat(header({ name: 'x', size: 12, mode }))).toEqual({ kind, size: 12 });
  });

  it('is undefined for a missing or unreadable header', () => {
    expect(parsePathStat(undefined)).toBeUndefined();
    expect(parsePathStat('not base64 json')).toBeUndefined();
    expect(parsePathStat(header({ size: 1 }))).toBeUndefined();
  });
});
