import type { Readable } from 'node:stream';

export type ReadOutcome =
  | { readonly complete: true; readonly bytes: Buffer }
  /** Over the cap: what was read, and the rest still to stream. */
  | { readonly complete: false; readonly head: Buffer; readonly rest: Readable };

/**
 * Reads an agent's reply up to `cap` bytes, calling `onChunk` for each piece (a reply that is
 * still arriving keeps the dispatch alive). A reply larger than the cap is not truncated:
 * the caller streams the remainder instead.
 */
export async function readReply(
  body: Readable,
  cap: number,
  onChunk: () => void,
): Promise<ReadOutcome> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop early must not destroy the body: the rest is still to be streamed.
  for await (const chunk of body.iterator({ destroyOnReturn: false })) {
    const buffer = chunk as Buffer;
    onChunk();
    chunks.push(buffer);
    size += buffer.length;
    if (size > cap) return { complete: false, head: Buffer.concat(chunks), rest: body };
  }
  return { complete: true, bytes: Buffer.concat(chunks, size) };
}

export function parseJsonOrNull(bytes: Buffer | undefined): unknown {
  if (!bytes || bytes.length === 0) return null;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
}
