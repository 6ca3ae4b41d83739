import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GithubAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Never answers (until the server closes): for deadline tests. */
  readonly hang?: boolean;
}

/**
 * A stand-in for the GitHub API on 127.0.0.1: answers `GET /repos/<owner>/<repo>/tarball[/<ref>]`
 * from a table keyed by `<owner>/<repo>#<ref>` (or `<owner>/<repo>` for no ref); anything
 * else is GitHub's 404. Every request path is recorded.
 */
export class GithubDouble {
  readonly requests: string[] = [];
  readonly answers = new Map<string, GithubAnswer>();
  private server?: http.Server;
  private readonly hanging = new Set<http.ServerResponse>();

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '';
    this.requests.push(url);
    const match = /^\/repos\/([^/]+)\/([^/]+)\/tarball(?:\/(.+))?$/.exec(url);
    const key = match
      ? `${match[1]}/${match[2]}${match[3] ? `#${decodeURIComponent(match[3])}` : ''}`
      : '';
    const answer = this.answers.get(key) ?? {
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: '{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}',
    };
    if (answer.hang) {
      this.hanging.add(res);
      return;
    }
    res.writeHead(answer.status, answer.headers ?? {});
    res.end(answer.body ?? '');
  }
}
