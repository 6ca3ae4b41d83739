/**
 * `attachment; filename="<quoted>"; filename*=UTF-8''<encoded>` (spec 03 §6.1): the quoted
 * form drops control characters and escapes `"` and `\`; the encoded form percent-encodes
 * every byte outside `A-Z a-z 0-9 - . _ ~`. The header never carries a raw CR or LF.
 */
export function attachmentDisposition(baseName: string): string {
  // eslint-disable-next-line no-control-regex
  const quoted = baseName.replace(/[\x00-\x1f\x7f]/g, '').replace(/["\\]/g, (c) => `\\${c}`);
  let encoded = '';
  for (const byte of Buffer.from(baseName, 'utf8')) {
    const c = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9\-._~]/.test(c)
      ? c
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `attachment; filename="${quoted}"; filename*=UTF-8''${encoded}`;
}

/**
 * A header value as Node must be handed it to put UTF-8 on the wire (Node writes header
 * strings as latin1, one byte per character): the reference sends the name's UTF-8 bytes.
 */
export function utf8HeaderValue(value: string): string {
  return Buffer.from(value, 'utf8').toString('latin1');
}
