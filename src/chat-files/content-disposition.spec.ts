import { attachmentDisposition, utf8HeaderValue } from './content-disposition';

describe('attachmentDisposition (spec 03 §6.1)', () => {
  it.each([
    ['report.pdf', `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`],
    ['weird".pdf', `attachment; filename="weird\\".pdf"; filename*=UTF-8''weird%22.pdf`],
    [
      'back\\slash.txt',
      `attachment; filename="back\\\\slash.txt"; filename*=UTF-8''back%5Cslash.txt`,
    ],
    [
      'r\u00e9sum\u00e9.pdf',
      `attachment; filename="r\u00e9sum\u00e9.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`,
    ],
    [
      'bad\r\nX-Leak: 1\r\n.txt',
      `attachment; filename="badX-Leak: 1.txt"; filename*=UTF-8''bad%0D%0AX-Leak%3A%201%0D%0A.txt`,
    ],
    ['tab\there~.md', `attachment; filename="tabhere~.md"; filename*=UTF-8''tab%09here~.md`],
  ])('%j', (name, header) => {
    expect(attachmentDisposition(name)).toBe(header);
  });

  it('never carries a raw CR or LF, whatever the name', () => {
    for (let code = 0; code < 0x80; code++) {
      const header = attachmentDisposition(`a${String.fromCharCode(code)}b`);
      expect(header).not.toMatch(/[\r\n]/);
    }
  });

  it('hands Node the UTF-8 bytes of a header value', () => {
    expect(Buffer.from(utf8HeaderValue('\u00e9'), 'latin1')).toEqual(Buffer.from([0xc3, 0xa9]));
  });
});
