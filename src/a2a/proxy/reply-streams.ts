import { Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AgentResponse } from './agent-transport';
import { Dispatch } from './dispatch';
import { DispatchDeadline } from './dispatch-deadline';
import { ProxyResult } from './proxy-result';
import { ProxySideEffects } from './proxy-side-effects';
import { SseLastEvent } from './sse-last-event';
import { describeForwardError } from './upstream-errors';

/**
 * Replies relayed as they arrive instead of being held: SSE always, and JSON too large to
 * hold. The deadline stays armed (each chunk is a sign of life) until the stream ends.
 */
@Injectable()
export class ReplyStreams {
  private readonly logger = new Logger(ReplyStreams.name);

  constructor(private readonly effects: ProxySideEffects) {}

  /** SSE passes through untouched; its last event is what the activity log keeps. */
  sse(
    d: Dispatch,
    response: AgentResponse,
    deadline: DispatchDeadline,
    durationMs: number,
  ): ProxyResult {
    const tap = new SseLastEvent(() => deadline.touch());
    pipeline(response.body, tap).then(
      () => {
        deadline.dispose();
        const final = tap.lastJson();
        this.effects.delivered(
          d,
          response.status,
          final === null ? undefined : Buffer.from(JSON.stringify(final)),
          durationMs,
        );
      },
      (err) => {
        deadline.dispose();
        this.logger.warn(
          { targetId: d.req.targetId, err: describeForwardError(err) },
          'agent stream broke off',
        );
        this.effects.failed(d, `stream broke off: ${describeForwardError(err)}`, durationMs);
      },
    );
    return {
      kind: 'stream',
      status: response.status,
      contentType: response.contentType,
      stream: tap,
      outcome: 'delivered',
    };
  }

  /**
   * A 2xx reply over the hold limit is streamed on (the reference truncated it), labelled JSON
   * like every relayed reply; its body is not logged.
   */
  oversized(
    d: Dispatch,
    response: AgentResponse,
    head: Buffer,
    rest: Readable,
    deadline: DispatchDeadline,
    durationMs: number,
  ): ProxyResult {
    const stream = Readable.from(
      (async function* () {
        yield head;
        for await (const chunk of rest) {
          deadline.touch();
          yield chunk as Buffer;
        }
      })(),
    );
    stream.once('close', () => deadline.dispose());
    this.effects.delivered(d, response.status, undefined, durationMs);
    return {
      kind: 'stream',
      status: response.status,
      contentType: 'application/json',
      stream,
      outcome: 'delivered',
    };
  }
}
