import { atoi, firstValue } from './query-params';

describe('firstValue', () => {
  it('reads a string, the first of repeats, and nothing else', () => {
    expect(firstValue('a')).toBe('a');
    expect(firstValue(['b', 'c'])).toBe('b');
    expect(firstValue(undefined)).toBeUndefined();
    expect(firstValue({ x: '1' })).toBeUndefined();
    expect(firstValue([{ x: '1' }])).toBeUndefined();
  });
});

describe('atoi', () => {
  it.each([
    ['10', 10],
    ['+10', 10],
    ['-3', -3],
    ['007', 7],
    ['0', 0],
    ['9223372036854775807', Number(2n ** 63n - 1n)],
  ])('reads %p', (text, value) => {
    expect(atoi(text)).toBe(value);
  });

  it.each([
    [''],
    [' 1'],
    ['1 '],
    ['1.5'],
    ['1e2'],
    ['abc'],
    ['0x10'],
    ['+'],
    ['9223372036854775808'],
  ])('refuses %p', (text) => {
    expect(atoi(text)).toBeUndefined();
  });
});
