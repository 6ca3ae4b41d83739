import type { RequestHandler, Response } from 'express';

export interface SseTapHooks {
  /** Called once the frame has been flushed to the socket; `index` counts from 0. */
  readonly onFrameSent?: (resultKind: string | undefined, index: number) => void;
  /** Destroy the socket right after this many frames have been flushed. */
  readonly destroyAfterFrames?: number;
}

/**
 * Watches the SSE frames the SDK writes (one `res.write` per event) so tests can observe the wire
 * and, for the die-mid-stream agent, cut the connection at an exact event boundary.
 */
export function tapSseFrames(hooks: SseTapHooks): RequestHandler {
  return (_req, res, next) => {
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    let sent = 0;
    const tapped = (chunk: unknown, ...rest: unknown[]): boolean => {
      if (typeof chunk !== 'string' || !isSseFrame(chunk)) return write(chunk, ...rest);
      const index = sent++;
      // Frames after the fatal one were produced but must never reach the wire.
      if (hooks.destroyAfterFrames !== undefined && index >= hooks.destroyAfterFrames) return true;
      return write(chunk, (err?: Error | null) => {
        if (err) return;
        hooks.onFrameSent?.(resultKind(chunk), index);
        if (index + 1 === hooks.destroyAfterFrames) res.socket?.destroy();
      });
    };
    res.write = tapped as Response['write'];
    next();
  };
}

function isSseFrame(chunk: string): boolean {
  return chunk.startsWith('data: ') || chunk.startsWith('event: ');
}

/** The v0.3 `result.kind` of a frame (`task`, `status-update`, `artifact-update`, `message`). */
function resultKind(frame: string): string | undefined {
  const data = frame.split('\n').find((line) => line.startsWith('data: ')) ?? '';
  try {
    const event = JSON.parse(data.slice('data: '.length)) as { result?: { kind?: string } };
    return event.result?.kind;
  } catch {
    return undefined;
  }
}
