import { parseTimeout } from './a2a-proxy.controller';

describe('parseTimeout (X-Timeout)', () => {
  it.each([
    ['30', 30_000],
    [' 5 ', 5_000],
    ['+7', 7_000],
    ['2592000', 2_592_000_000],
  ])('reads %j as %d ms', (header, ms) => {
    expect(parseTimeout(header)).toBe(ms);
  });

  it.each([undefined, '', '0', '-5', '1.5', '10s', 'abc', '99999999999999999999'])(
    'ignores %j',
    (header) => {
      expect(parseTimeout(header)).toBeUndefined();
    },
  );
});
