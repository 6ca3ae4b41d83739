/** One entry of `result.metadata.tool_trace`, as the Python runtime reports it. */
export interface ToolTraceEntry {
  readonly tool: string;
  readonly input: unknown;
  readonly output_preview: string;
}

/** Token counts grafted onto `result.usage` of a `message/send` reply. */
export interface TokenUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
}

/**
 * How a busy agent treats JSON-RPC calls until `release()`: `hold` keeps each request open,
 * `drop` closes its socket unanswered (EOF), `reset` aborts it with a TCP RST (connection reset).
 */
export type BusySignal = 'hold' | 'drop' | 'reset';

interface SdkModeOptions {
  /** Start busy; `release()` makes the agent answer (held requests first). */
  readonly busy?: BusySignal;
}

/** `message/send` answered with one agent Message (default: `echo: <user text>`). */
export interface ReplyOptions extends SdkModeOptions {
  readonly mode?: 'reply';
  readonly text?: string | ((userText: string) => string);
  readonly toolTrace?: readonly ToolTraceEntry[];
  readonly usage?: TokenUsage;
  /** Real-time pause before the reply (a call then stays in flight that long). */
  readonly delayMs?: number;
}

/**
 * `message/stream` answered over SSE: task, `working` status, one artifact-update per chunk, and a
 * `completed` status whose message carries the whole reply (the SDK allows no bare Message after a Task).
 */
export interface StreamOptions extends SdkModeOptions {
  readonly mode: 'stream';
  /** Default: `['echo', ': ', <user text>]`. */
  readonly chunks?: readonly string[];
  /** Real-time pause before each event after the first (default 5 ms). */
  readonly gapMs?: number;
  /** Park after the first chunk until `release()`, so a test can prove it arrived early. */
  readonly pauseAfterFirstChunk?: boolean;
  readonly toolTrace?: readonly ToolTraceEntry[];
}

/** `message/stream` that destroys the socket after `eventsBeforeDeath` SSE events (task, working, chunk). */
export interface DieMidStreamOptions {
  readonly mode: 'dieMidStream';
  readonly eventsBeforeDeath?: 1 | 2 | 3;
}

/** Reads the request and never answers (until `close()`). */
export interface NeverAnswerOptions {
  readonly mode: 'neverAnswer';
}

/** Raw HTTP answer: objects are sent as JSON, strings verbatim (default `text/plain`). */
export interface StatusOptions {
  readonly mode: 'status';
  readonly status: number;
  readonly body: unknown;
  readonly contentType?: string;
}

/** A body labelled `application/json` that does not parse. */
export interface InvalidJsonOptions {
  readonly mode: 'invalidJson';
  readonly status?: number;
}

/** Sends the status line, headers and `partialBody`, then destroys the socket. */
export interface HeadersThenDieOptions {
  readonly mode: 'headersThenDie';
  readonly status?: number;
  readonly partialBody?: string;
}

export type SdkAgentOptions = ReplyOptions | StreamOptions | DieMidStreamOptions;

export type RawAgentOptions =
  NeverAnswerOptions | StatusOptions | InvalidJsonOptions | HeadersThenDieOptions;

export type TestAgentOptions = SdkAgentOptions | RawAgentOptions;

export function isRawMode(options: TestAgentOptions): options is RawAgentOptions {
  return (
    options.mode === 'neverAnswer' ||
    options.mode === 'status' ||
    options.mode === 'invalidJson' ||
    options.mode === 'headersThenDie'
  );
}
