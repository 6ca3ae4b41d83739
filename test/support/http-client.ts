/** A response with its body already parsed (JSON when it parses, text otherwise). */
export interface TestResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export interface RequestOptions {
  readonly headers?: Record<string, string>;
  /** Sent as JSON unless it is a string or bytes (sent verbatim). */
  readonly body?: unknown;
}

/** Sees every response a client gets (e.g. the leak scanner). */
export type ResponseObserver = (method: string, path: string, response: TestResponse) => void;

/** Minimal fetch wrapper for tests talking real HTTP to a running app. */
export class HttpClient {
  constructor(
    readonly baseUrl: string,
    private readonly defaultHeaders: Record<string, string> = {},
    private readonly observers: readonly ResponseObserver[] = [],
  ) {}

  withHeaders(headers: Record<string, string>): HttpClient {
    return new HttpClient(this.baseUrl, { ...this.defaultHeaders, ...headers }, this.observers);
  }

  /** The same client, and every response it gets (and its derived clients get) is shown to `observer`. */
  observedBy(observer: ResponseObserver): HttpClient {
    return new HttpClient(this.baseUrl, this.defaultHeaders, [...this.observers, observer]);
  }

  withBearer(token: string): HttpClient {
    return this.withHeaders({ Authorization: `Bearer ${token}` });
  }

  get<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }
  post<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('POST', path, { ...options, body });
  }
  put<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('PUT', path, { ...options, body });
  }
  patch<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('PATCH', path, { ...options, body });
  }
  delete<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('DELETE', path, options);
  }

  async request<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...options.headers };
    let body: string | Uint8Array | undefined;
    if (options.body !== undefined) {
      body =
        typeof options.body === 'string' || options.body instanceof Uint8Array
          ? options.body
          : JSON.stringify(options.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    const response: TestResponse<T> = {
      status: res.status,
      headers: res.headers,
      body: parsed as T,
      text,
    };
    for (const observe of this.observers) observe(method, path, response);
    return response;
  }
}
