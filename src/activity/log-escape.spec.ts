import { quoteForLog } from './log-escape';

describe('quoteForLog', () => {
  it('quotes plain text', () => {
    expect(quoteForLog('abc')).toBe('"abc"');
  });

  it('escapes every control character so nothing can start a new line', () => {
    const quoted = quoteForLog('x\ny\r\tz\u0000\u001b[31m\u007f\u0085\u2028"\\');
    expect(quoted).toBe('"x\\ny\\r\\tz\\u0000\\u001b[31m\\u007f\\u0085\\u2028\\"\\\\"');
    const control = (c: string) => c < ' ' || (c >= '\u007f' && c <= '\u009f') || c === '\u2028';
    expect([...quoted].filter(control)).toEqual([]);
  });
});
