import { goQuote } from './go-quote';

describe('goQuote (Go strconv.Quote)', () => {
  it.each([
    ['', '""'],
    ['plain', '"plain"'],
    ['say "hi"\\', '"say \\"hi\\"\\\\"'],
    ['tab\tnew\nline', '"tab\\tnew\\nline"'],
    ['bell\x07nul\x00del\x7f', '"bell\\anul\\x00del\\x7f"'],
    ['héllo 世界 🚀', '"héllo 世界 🚀"'],
    ['zero\u200bwidth', '"zero\\u200bwidth"'],
    ['\ud800', '"\\ufffd"'],
  ])('%j', (input, expected) => {
    expect(goQuote(input)).toBe(expected);
  });
});
