import { validateSync } from 'class-validator';
import { IsInt32, IsSafeInt } from './validators';

class Sample {
  @IsInt32() small!: number;
  @IsSafeInt() big!: number;
}

const errorsOf = (small: unknown, big: unknown) =>
  validateSync(Object.assign(new Sample(), { small, big })).map((e) => e.property);

describe('IsInt32 / IsSafeInt', () => {
  it('accept integers their columns hold, bounds included', () => {
    expect(errorsOf(2 ** 31 - 1, Number.MAX_SAFE_INTEGER)).toEqual([]);
    expect(errorsOf(-(2 ** 31), Number.MIN_SAFE_INTEGER)).toEqual([]);
    expect(errorsOf(0, 0)).toEqual([]);
  });

  it.each([
    [2 ** 31, 0, ['small']],
    [-(2 ** 31) - 1, 0, ['small']],
    [1e300, 2 ** 53, ['small', 'big']],
    [1.5, -(2 ** 53), ['small', 'big']],
    ['1', '1', ['small', 'big']],
  ])('refuse %p / %p', (small, big, properties) => {
    expect(errorsOf(small, big)).toEqual(properties);
  });
});
