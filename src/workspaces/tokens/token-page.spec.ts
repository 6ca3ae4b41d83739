import { tokenPage } from './token-page';

describe('tokenPage', () => {
  it('defaults to 50 / 0', () => {
    expect(tokenPage(undefined, undefined)).toEqual({ limit: 50, offset: 0 });
  });

  it('accepts limits 1..200 and offsets ≥ 0', () => {
    expect(tokenPage('1', '0')).toEqual({ limit: 1, offset: 0 });
    expect(tokenPage('200', '5')).toEqual({ limit: 200, offset: 5 });
    expect(tokenPage('+10', '007')).toEqual({ limit: 10, offset: 7 });
  });

  it.each([
    ['0'],
    ['201'],
    ['-3'],
    ['abc'],
    ['10.5'],
    [' 10'],
    ['1e2'],
    [''],
    ['99999999999999999999'],
  ])('falls back to limit 50 for %p', (limit) => {
    expect(tokenPage(limit, undefined).limit).toBe(50);
  });

  it.each([['-1'], ['x'], ['2.5'], ['99999999999999999999']])(
    'falls back to offset 0 for %p',
    (offset) => {
      expect(tokenPage(undefined, offset).offset).toBe(0);
    },
  );

  it('reads the first of repeated parameters', () => {
    expect(tokenPage(['7', '9'], ['3', '4'])).toEqual({ limit: 7, offset: 3 });
  });
});
