import { Readable, Transform, TransformCallback } from 'node:stream';

/** Why a capped body stopped before its end. */
export type BodyFailure = 'too-large' | 'broken-off';

/**
 * An upload body counted as it passes: more than `limit` bytes, or a client that stops
 * sending half-way, ends the stream with an error and records which of the two it was.
 */
export class CappedBody extends Transform {
  failure: BodyFailure | undefined;
  private seen = 0;

  constructor(
    source: Readable,
    private readonly limit: number,
  ) {
    // Room for a few socket reads each way: fewer stalls between the two connections.
    super({ highWaterMark: 256 * 1024 });
    source.on('error', () => this.fail('broken-off'));
    // `aborted` (not only `error`): a request whose client went away may emit no error.
    source.on('aborted', () => this.fail('broken-off'));
    source.on('close', () => {
      if (!source.readableEnded) this.fail('broken-off');
    });
    source.pipe(this);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) {
      this.failure ??= 'too-large';
      callback(new Error('upload body over the limit'));
      return;
    }
    callback(null, chunk);
  }

  private fail(failure: BodyFailure): void {
    if (this.destroyed) return;
    this.failure ??= failure;
    this.destroy(new Error('upload body broke off'));
  }
}
