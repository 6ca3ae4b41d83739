import busboy from 'busboy';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError, badRequest, payloadTooLarge } from '../common/http/api-error';
import { CappedBody } from './capped-body';
import { guessMimeType, sanitizeFilename } from './upload-names';
import {
  MAX_UPLOAD_BYTES,
  MAX_UPLOAD_FILE_BYTES,
  UPLOAD_ERRORS,
  UploadRequest,
} from './upload-limits';

/** One uploaded file, written whole to a temporary file. */
export interface SpilledFile {
  readonly name: string;
  readonly mimeType: string;
  readonly size: number;
  readonly tempPath: string;
}

/** Go's multipart reader gives up beyond this many parts. */
const MAX_PARTS = 1000;

/**
 * Parses a `multipart/form-data` upload as it arrives and writes every `files` part to its
 * own file in `dir` (which the caller removes). Resolves only when the whole body was read
 * and every part passed: no `files` part, a part over 25 MiB, a body over 50 MiB, a malformed
 * body and a client that stops half-way each reject with the contract's error, having
 * stopped reading.
 */
export function spillMultipart(upload: UploadRequest, dir: string): Promise<SpilledFile[]> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': upload.contentType ?? '' },
        preservePath: true,
        defParamCharset: 'utf8',
        // busboy reports a file that reaches the limit; one byte more is what is too large.
        limits: { fileSize: MAX_UPLOAD_FILE_BYTES + 1, parts: MAX_PARTS },
      });
    } catch {
      upload.body.resume();
      reject(badRequest(UPLOAD_ERRORS.unparseable));
      return;
    }
    const body = new CappedBody(upload.body, MAX_UPLOAD_BYTES);
    const files: SpilledFile[] = [];
    const writes: Promise<void>[] = [];
    let settled = false;

    const fail = (error: ApiError) => {
      if (settled) return;
      settled = true;
      body.unpipe(parser);
      body.destroy();
      // Not from inside one of busboy's own events: it is still in the middle of a write.
      // Destroying it ends the file stream in progress, which settles its temp-file write.
      setImmediate(() => parser.destroy(new Error('upload refused')));
      // Partly written files are the caller's to remove (they live in `dir`).
      void Promise.allSettled(writes).then(() => reject(error));
    };
    const failFromBody = () =>
      fail(
        body.failure === 'too-large'
          ? payloadTooLarge(UPLOAD_ERRORS.tooLarge)
          : badRequest(UPLOAD_ERRORS.unreadable),
      );

    parser.on('file', (field, stream, info) => {
      if (field !== 'files' || !info.filename) {
        stream.resume();
        return;
      }
      const clientName = info.filename;
      const name = sanitizeFilename(clientName);
      const tempPath = path.join(dir, String(files.length));
      const entry = { name, mimeType: partType(info.mimeType, name), size: 0, tempPath };
      files.push(entry);
      stream.on('limit', () => fail(payloadTooLarge(UPLOAD_ERRORS.fileTooLarge(clientName))));
      const count = new Transform({
        transform(chunk: Buffer, _enc, callback) {
          entry.size += chunk.length;
          callback(null, chunk);
        },
      });
      writes.push(
        pipeline(stream, count, fs.createWriteStream(tempPath, { flags: 'wx' })).catch(() => {
          if (body.failure) failFromBody();
          else fail(badRequest(UPLOAD_ERRORS.unparseable));
        }),
      );
    });
    parser.on('error', () =>
      body.failure ? failFromBody() : fail(badRequest(UPLOAD_ERRORS.unparseable)),
    );
    parser.on('partsLimit', () => fail(badRequest(UPLOAD_ERRORS.unparseable)));
    parser.on('close', () => {
      void Promise.all(writes).then(() => {
        if (settled) return;
        if (files.length === 0) return fail(badRequest(UPLOAD_ERRORS.noFiles));
        settled = true;
        resolve(files);
      });
    });
    body.on('error', failFromBody);
    body.pipe(parser);
  });
}

/**
 * The part's own type, else a guess from the sanitised name. busboy reports a part without a
 * `Content-Type` as `text/plain`, so a guess from the extension wins over that value too.
 */
function partType(reported: string, name: string): string {
  if (reported !== 'text/plain') return reported;
  return guessMimeType(name) || reported;
}
