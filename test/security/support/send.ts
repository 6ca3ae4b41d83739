/** What the security suites read back from a response. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** `error` of a JSON error body, when there is one. */
  readonly error: string | undefined;
}

export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Uint8Array;
}

/**
 * Sends one request and reads the answer. An event stream is closed once its headers are in
 * (it would never end); any other body is read whole. A request that does not complete within
 * 10 s throws: a hang is a failure too.
 */
export async function send(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`${req.method} ${req.path} hung`)),
    10_000,
  );
  try {
    const res = await fetch(baseUrl + req.path, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: controller.signal,
    });
    let text = '';
    if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      await res.body?.cancel();
    } else {
      text = await res.text();
    }
    return { status: res.status, headers: res.headers, text, error: errorOf(text) };
  } finally {
    clearTimeout(timer);
  }
}

function errorOf(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      const error = (parsed as { error: unknown }).error;
      return typeof error === 'string' ? error : undefined;
    }
  } catch {
    // not JSON
  }
  return undefined;
}
