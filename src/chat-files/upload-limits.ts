import type { Readable } from 'node:stream';

/** The caps of spec 03 §6 (both paths): 50 MiB per request, 25 MiB per file. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
export const MAX_UPLOAD_FILE_BYTES = 25 * 1024 * 1024;

/** The messages of the workspace-side ingest contract (spec 03 §6.4), used on both paths. */
export const UPLOAD_ERRORS = {
  declaredTooLarge: 'request body exceeds total limit (50 MB)',
  tooLarge: 'total request body exceeds limit (50 MB)',
  fileTooLarge: (clientName: string) => `${clientName} exceeds per-file limit (25 MB)`,
  unparseable: 'failed to parse multipart form',
  noFiles: "expected at least one 'files' field",
  unreadable: 'failed to read upload',
} as const;

/** The body of one upload as it arrives: streamed, never held whole. */
export interface UploadRequest {
  readonly contentType: string | undefined;
  /** `undefined` for a chunked body. */
  readonly contentLength: number | undefined;
  readonly body: Readable;
}

/** One element of the reply's `files[]` (spec 03 §6.1), as the canvas and the runtime read it. */
export interface UploadedFile {
  readonly uri: string;
  readonly name: string;
  readonly mimeType: string;
  readonly size: number;
}
