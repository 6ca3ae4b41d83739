import {
  firstIncompleteAttachment,
  liveAttachment,
  notifyResponseBody,
  notifySummary,
} from './notify-message';

describe('notifySummary', () => {
  it('keeps a message of up to 80 bytes whole', () => {
    expect(notifySummary('hello')).toBe('Agent message: hello');
    const exact = 'a'.repeat(80);
    expect(notifySummary(exact)).toBe(`Agent message: ${exact}`);
  });

  it('cuts a longer one after 80 bytes and appends …', () => {
    expect(notifySummary('a'.repeat(81))).toBe(`Agent message: ${'a'.repeat(80)}…`);
  });

  it('never splits a multi-byte character', () => {
    // 79 ASCII bytes + "é" (2 bytes) straddles the 80-byte mark: the é is dropped whole.
    expect(notifySummary(`${'a'.repeat(79)}éz`)).toBe(`Agent message: ${'a'.repeat(79)}…`);
    // 26 × "日" (3 bytes each) = 78 bytes fit; the 27th would end at byte 81.
    expect(notifySummary('日'.repeat(30))).toBe(`Agent message: ${'日'.repeat(26)}…`);
    // A 4-byte emoji straddling the mark.
    expect(notifySummary(`${'a'.repeat(78)}😀😀`)).toBe(`Agent message: ${'a'.repeat(78)}…`);
    // Counted in bytes, not characters: 40 × "é" is exactly 80 bytes.
    expect(notifySummary('é'.repeat(40))).toBe(`Agent message: ${'é'.repeat(40)}`);
  });
});

describe('firstIncompleteAttachment', () => {
  it('finds the first entry without uri or name', () => {
    expect(firstIncompleteAttachment([])).toBe(-1);
    expect(firstIncompleteAttachment([{ uri: 'u', name: 'n' }])).toBe(-1);
    expect(
      firstIncompleteAttachment([
        { uri: 'u', name: 'n' },
        { uri: '', name: 'n' },
      ]),
    ).toBe(1);
    expect(firstIncompleteAttachment([{ uri: 'u' }, { name: 'n' }])).toBe(0);
    expect(firstIncompleteAttachment([{ uri: null, name: 'n' }])).toBe(0);
  });
});

describe('liveAttachment', () => {
  it('carries mimeType only when non-empty and size only when non-zero', () => {
    expect(liveAttachment({ uri: 'u', name: 'n' })).toStrictEqual({ uri: 'u', name: 'n' });
    expect(liveAttachment({ uri: 'u', name: 'n', mimeType: '', size: 0 })).toStrictEqual({
      uri: 'u',
      name: 'n',
    });
    expect(liveAttachment({ uri: 'u', name: 'n', mimeType: 'text/plain', size: 5 })).toStrictEqual({
      uri: 'u',
      name: 'n',
      mimeType: 'text/plain',
      size: 5,
    });
  });
});

describe('notifyResponseBody', () => {
  it('is {result} without attachments', () => {
    expect(notifyResponseBody('hi', [])).toStrictEqual({ result: 'hi' });
  });

  it('adds one file part per attachment; size only when positive', () => {
    expect(
      notifyResponseBody('hi', [
        { uri: 'workspace:/a.zip', name: 'a.zip', mimeType: 'application/zip', size: 10 },
        { uri: 'workspace:/b', name: 'b', mimeType: '', size: -1 },
      ]),
    ).toStrictEqual({
      result: 'hi',
      parts: [
        {
          kind: 'file',
          file: { uri: 'workspace:/a.zip', name: 'a.zip', mimeType: 'application/zip', size: 10 },
        },
        { kind: 'file', file: { uri: 'workspace:/b', name: 'b' } },
      ],
    });
  });
});
