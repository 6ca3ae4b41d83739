import { Transform } from 'node:stream';

/** A line longer than this is not kept (an agent that never sends a newline cannot grow us). */
const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Passes an SSE stream through untouched while remembering only its last `data:` line — the
 * stream's final state, which is what the activity log keeps. Memory stays at one line,
 * whatever the size of the reply.
 */
export class SseLastEvent extends Transform {
  private partial = '';
  private last: string | undefined;

  constructor(private readonly onChunk: () => void) {
    super();
  }

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (err: null, chunk: Buffer) => void,
  ): void {
    this.onChunk();
    const lines = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.remember(line);
    if (this.partial.length > MAX_LINE_BYTES) this.partial = '';
    done(null, chunk);
  }

  override _flush(done: () => void): void {
    this.remember(this.partial);
    done();
  }

  /** The last `data:` payload that parsed as JSON, or null. */
  lastJson(): unknown {
    if (this.last === undefined) return null;
    try {
      return JSON.parse(this.last);
    } catch {
      return null;
    }
  }

  private remember(line: string): void {
    if (line.startsWith('data:')) this.last = line.slice(5).trim();
  }
}
