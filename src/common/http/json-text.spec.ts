import { ApiError } from './api-error';
import { jsonText, MAX_JSON_DEPTH } from './json-text';

const refused = (text: string | Buffer) => {
  try {
    jsonText(typeof text === 'string' ? Buffer.from(text) : text);
    return false;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect([(err as ApiError).status, (err as ApiError).body]).toEqual([
      400,
      { error: 'invalid request body' },
    ]);
    return true;
  }
};

describe('jsonText', () => {
  it.each([
    ['plain ASCII', '{"a": "b"}'],
    ['UTF-8 text', '{"a": "café 😀"}'],
    ['an escaped backslash before u0000', String.raw`{"a": "\\u0000"}`],
    ['four backslashes before u0000', String.raw`{"a": "\\\\u0000"}`],
    ['a surrogate pair, either case', String.raw`{"a": "\ud83d\ude00 \uD83D\uDE00 \uD83d\udE00"}`],
    ['a pair spelled in two cases', String.raw`{"a": "\uD83D\ude00 \ud83d\uDE00"}`],
    ['pairs back to back', String.raw`{"a": "\ud83d\ude00\ud83d\ude00\ud83d\ude00"}`],
    ['a non-surrogate escape starting with d', String.raw`{"a": "\ud7ff"}`],
    ['an escape that is not hex (JSON.parse judges it)', String.raw`{"a": "\udxyz"}`],
    ['other escapes', String.raw`{"a": "\u0001\n\t\u00e9"}`],
    ['a high surrogate at the very end', String.raw`"\\ud83d"`],
  ])('accepts %s', (_label, text) => {
    expect(refused(text)).toBe(false);
  });

  it.each([
    ['an escaped NUL', String.raw`{"a": "\u0000"}`],
    ['an escaped NUL in a key', String.raw`{"\u0000": 1}`],
    ['an escaped NUL after an escaped backslash', String.raw`{"a": "\\\u0000"}`],
    ['an escaped NUL after a literal \\u0000', String.raw`{"a": "\\u0000 \u0000"}`],
    ['a lone high surrogate', String.raw`{"a": "\ud83d"}`],
    ['a lone high surrogate at the end of the body', String.raw`"\ud83d`],
    ['a high surrogate before a non-surrogate', String.raw`{"a": "\ud83d\u0041"}`],
    ['two high surrogates', String.raw`{"a": "\ud83d\ud83d\ude00"}`],
    ['a lone low surrogate', String.raw`{"a": "\ude00"}`],
    ['a low surrogate after an escaped high one', String.raw`{"a": "\\ud83d\ude00"}`],
    ['a low surrogate first', String.raw`{"a": "\ude00\ud83d"}`],
  ])('refuses %s', (_label, text) => {
    expect(refused(text)).toBe(true);
  });

  it.each([
    ['a Latin-1 byte', [0xe9]],
    ['an overlong encoding', [0xc0, 0xae]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['0xff', [0xff]],
  ])('refuses invalid UTF-8: %s', (_label, bytes) => {
    expect(refused(Buffer.from([0x22, ...bytes, 0x22]))).toBe(true);
  });

  it('decodes what it accepts', () => {
    expect(jsonText(Buffer.from('{"a": "é"}'))).toBe('{"a": "é"}');
    expect(() => jsonText(Buffer.from([0xff]))).toThrow(ApiError);
  });

  describe(`nesting (at most ${MAX_JSON_DEPTH} levels)`, () => {
    const objects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

    it.each([
      ['objects at the limit', objects(MAX_JSON_DEPTH)],
      ['arrays at the limit', arrays(MAX_JSON_DEPTH)],
      ['many brackets side by side', `[${'{},'.repeat(5000)}{}]`],
      ['brackets inside strings', `{"a":"${'['.repeat(10_000)}"}`],
      [
        'brackets in a string after an escaped quote',
        String.raw`{"a":"\"` + '{'.repeat(600) + '"}',
      ],
    ])('accepts %s', (_label, text) => {
      expect(refused(text)).toBe(false);
    });

    it.each([
      ['objects one level too deep', objects(MAX_JSON_DEPTH + 1)],
      ['arrays one level too deep', arrays(MAX_JSON_DEPTH + 1)],
      ['100 000 levels', arrays(100_000)],
      ['deep after a string with brackets', `["[[[",${arrays(MAX_JSON_DEPTH)}]`],
      ['deep after an escaped quote', String.raw`["\"",` + arrays(MAX_JSON_DEPTH) + ']'],
    ])('refuses %s', (_label, text) => {
      expect(refused(text)).toBe(true);
    });
  });
});
