import { parseGoDuration } from './go-duration';

describe('parseGoDuration', () => {
  it.each([
    ['5m', 300_000],
    ['30s', 30_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['300ms', 300],
    ['.5s', 500],
    ['0', 0],
    ['-30s', -30_000],
    ['+2m', 120_000],
    ['1500us', 1.5],
  ])('reads %p', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });

  it.each([[''], ['5'], ['m'], ['5 m'], ['5min'], ['1d'], ['-'], ['1h-30m']])(
    'refuses %p',
    (text) => {
      expect(parseGoDuration(text)).toBeUndefined();
    },
  );
});
