import type { Readable } from 'node:stream';

/** An agent's answer: the status and headers arrived; the body is still streaming. */
export interface AgentResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: Readable;
}

/** Raised for a request that could not even be built (bad URL, address refused at connect). */
export class RequestConstructionError extends Error {}

/**
 * Outbound HTTP to workspace agents, as a port so proxy tests can inject failures. A call
 * ends when the agent answers (headers), fails, or `signal` aborts it — aborting also tears
 * down the upstream connection.
 */
export abstract class AgentTransport {
  abstract post(url: string, body: Buffer, signal: AbortSignal): Promise<AgentResponse>;
}
