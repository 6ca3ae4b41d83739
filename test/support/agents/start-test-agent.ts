import { setMaxListeners } from 'node:events';
import express from 'express';
import { isRawMode, type TestAgentOptions } from './agent-options';
import { Gate } from './gate';
import { openLoopbackListener } from './loopback-listener';
import { rawResponder } from './raw-responder';
import { RequestLog, type RecordedRequest } from './request-log';
import { mountSdkAgent } from './sdk-agent';

/** A real A2A agent on loopback, scripted by {@link TestAgentOptions}. */
export interface TestAgent {
  /** `http://localhost:<port>`: the registration URL guard admits the literal host `localhost`. */
  readonly url: string;
  readonly port: number;
  /** The loopback addresses bound: `127.0.0.1`, plus `::1` when the machine has IPv6. */
  readonly addresses: readonly string[];
  /** Every request received so far (JSON-RPC calls and agent-card fetches), in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Resolves once `count` requests in total have arrived. */
  waitForRequests(count: number): Promise<readonly RecordedRequest[]>;
  /** v0.3 `result.kind` of every SSE event flushed to a socket so far, all streams, in order. */
  readonly sseEventsSent: readonly (string | undefined)[];
  /** Resolves when the first artifact-update chunk of any stream has been flushed to its socket. */
  readonly firstChunkSent: Promise<void>;
  /** Ends busy-ness: held requests and paused streams proceed, later requests are answered at once. */
  release(): void;
  /** Makes the agent busy again (and re-arms `pauseAfterFirstChunk`). */
  hold(): void;
  /** Stops listening and destroys every connection, held and hung ones included. */
  close(): Promise<void>;
}

export async function startTestAgent(options: TestAgentOptions = {}): Promise<TestAgent> {
  const listener = await openLoopbackListener();
  const url = `http://localhost:${listener.port}`;
  const log = new RequestLog();
  const gate = new Gate(!startsGated(options));
  const closing = new AbortController();
  // Every request in flight (a delayed reply, a paced stream) listens for the agent's close.
  setMaxListeners(0, closing.signal);
  const sseEventsSent: (string | undefined)[] = [];
  let chunkSent = () => {};
  const firstChunkSent = new Promise<void>((resolve) => (chunkSent = resolve));

  const app = express();
  app.use(log.recorder());
  if (isRawMode(options)) {
    app.use(rawResponder(options));
  } else {
    mountSdkAgent(app, url, options, {
      gate,
      closed: closing.signal,
      onEventSent: (kind) => {
        sseEventsSent.push(kind);
        if (kind === 'artifact-update') chunkSent();
      },
    });
  }
  listener.serve(app);

  return {
    url,
    port: listener.port,
    addresses: listener.addresses,
    requests: log.all,
    waitForRequests: (count) => log.waitFor(count),
    sseEventsSent,
    firstChunkSent,
    release: () => gate.release(),
    hold: () => gate.hold(),
    close: async () => {
      closing.abort();
      gate.release();
      await listener.close();
    },
  };
}

function startsGated(options: TestAgentOptions): boolean {
  switch (options.mode) {
    case undefined:
    case 'reply':
      return options.busy !== undefined;
    case 'stream':
      return options.busy !== undefined || options.pauseAfterFirstChunk === true;
    default:
      return false;
  }
}
