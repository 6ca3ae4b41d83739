/** Reads at most `limit` bytes of a body and drops the rest (an answer is never held whole). */
export async function readBounded(
  body: AsyncIterable<unknown> & { destroy?(): void },
  limit: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(buf.subarray(0, limit - size));
    size += Math.min(buf.length, limit - size);
    if (size >= limit) {
      body.destroy?.();
      break;
    }
  }
  return Buffer.concat(chunks);
}

/**
 * The first JSON object of `text`, ignoring whatever follows it — how Go's json.Decoder reads
 * a bounded body (spec 04 §3.5: valid JSON followed by padding still decodes). Throws when
 * the text does not start with a complete object.
 */
export function firstJsonObject(text: string): Record<string, unknown> {
  const start = text.search(/\S/);
  if (start === -1 || text[start] !== '{') throw new Error('not a JSON object');
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return JSON.parse(text.slice(start, i + 1)) as Record<string, unknown>;
    }
  }
  throw new Error('unexpected end of JSON input');
}
