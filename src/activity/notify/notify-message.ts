import { NotifyAttachmentDto } from '../dto/notify.dto';

/** An attachment that passed validation: `uri` and `name` are non-empty. */
export interface Attachment {
  readonly uri: string;
  readonly name: string;
  readonly mimeType?: string | null;
  readonly size?: number | null;
}

export const PREVIEW_BYTES = 80;

/** Index of the first attachment without a `uri` or `name`, or -1. */
export function firstIncompleteAttachment(attachments: readonly NotifyAttachmentDto[]): number {
  return attachments.findIndex((a) => !a.uri || !a.name);
}

/** The activity row's summary: the message, cut after 80 bytes on a character boundary + `…`. */
export function notifySummary(message: string): string {
  const bytes = Buffer.from(message, 'utf8');
  if (bytes.length <= PREVIEW_BYTES) return `Agent message: ${message}`;
  let end = PREVIEW_BYTES;
  // Step back over UTF-8 continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return `Agent message: ${bytes.subarray(0, end).toString('utf8')}…`;
}

/** An attachment as `AGENT_MESSAGE` carries it: `mimeType` when non-empty, `size` when non-zero. */
export function liveAttachment(a: Attachment): Record<string, unknown> {
  const out: Record<string, unknown> = { uri: a.uri, name: a.name };
  if (a.mimeType) out.mimeType = a.mimeType;
  if (a.size) out.size = a.size;
  return out;
}

/**
 * The persisted reply: `{result}` plus one A2A file part per attachment, the shape the canvas
 * chat history already renders on reload (`mimeType` when non-empty, `size` when positive).
 */
export function notifyResponseBody(
  message: string,
  attachments: readonly Attachment[],
): Record<string, unknown> {
  if (attachments.length === 0) return { result: message };
  const parts = attachments.map((a) => {
    const file: Record<string, unknown> = { uri: a.uri, name: a.name };
    if (a.mimeType) file.mimeType = a.mimeType;
    if (a.size && a.size > 0) file.size = a.size;
    return { kind: 'file', file };
  });
  return { result: message, parts };
}
