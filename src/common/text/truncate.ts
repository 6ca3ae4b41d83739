/**
 * Keeps the first `maxBytes` bytes of `text` (UTF-8) and appends `suffix` when anything was
 * cut. Cuts fall on a character boundary (the reference could split a multibyte character).
 */
export function truncateBytes(text: string, maxBytes: number, suffix = '...'): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8') + suffix;
}

/**
 * Keeps the last `maxBytes` bytes of `text` (UTF-8), starting on a character boundary, with
 * `prefix` in front when anything was cut.
 */
export function lastBytes(text: string, maxBytes: number, prefix = ''): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let start = bytes.length - maxBytes;
  // Step forward over continuation bytes to the start of the next whole character.
  while (start < bytes.length && (bytes[start] & 0xc0) === 0x80) start++;
  return prefix + bytes.subarray(start).toString('utf8');
}
