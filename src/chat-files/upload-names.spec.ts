import { downloadContentType, guessMimeType, sanitizeFilename, storedName } from './upload-names';

describe('sanitizeFilename (spec 03 §6.1)', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['my file.pdf', 'my_file.pdf'],
    ['weird;$name`.txt', 'weird__name_.txt'],
    ['../../etc/passwd', 'passwd'],
    ['/abs/path/x.txt', 'x.txt'],
    ['dir/', 'dir'],
    ['a\\b.txt', 'a_b.txt'],
    ['caf\u00e9 \u2603.txt', 'caf___.txt'],
    ['\u{1F600}.png', '_.png'],
    ['bell\u0007\r\n.md', 'bell___.md'],
    ['', 'file'],
    ['.', 'file'],
    ['..', 'file'],
    ['/', '_'],
    ['...', '...'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeFilename(input)).toBe(expected);
  });

  it('cuts long names to 100 bytes, keeping an extension of up to 16', () => {
    const pdf = sanitizeFilename(`${'a'.repeat(120)}.pdf`);
    expect(pdf).toBe(`${'a'.repeat(96)}.pdf`);
    expect(sanitizeFilename(`${'b'.repeat(296)}.pdf`)).toHaveLength(100);
    const longExt = sanitizeFilename(`${'c'.repeat(100)}.${'e'.repeat(20)}`);
    expect(longExt).toBe('c'.repeat(100));
    expect(sanitizeFilename('d'.repeat(300))).toBe('d'.repeat(100));
  });
});

describe('stored names and types', () => {
  it('prefixes 32 lowercase hex characters and never repeats within an upload', () => {
    const taken = new Set<string>();
    const a = storedName('x.txt', taken);
    const b = storedName('x.txt', taken);
    expect(a).toMatch(/^[0-9a-f]{32}-x\.txt$/);
    expect(b).not.toBe(a);
  });

  it('guesses MIME types from the extension', () => {
    expect(guessMimeType('a.pdf')).toBe('application/pdf');
    expect(guessMimeType('a.unknownext')).toBe('');
    expect(downloadContentType('a.txt')).toBe('text/plain; charset=utf-8');
    expect(downloadContentType('noext')).toBe('application/octet-stream');
    expect(downloadContentType('a.unknownext')).toBe('application/octet-stream');
  });
});
