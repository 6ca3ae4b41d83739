import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig } from '../../config/load-config';
import { createHttpLogger, createRootLogger } from './http-logger';

/** Collects what a logger writes. */
function capture() {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { destination, text: () => chunks.join('') };
}

describe('createRootLogger', () => {
  const config = (LOG_FORMAT: string) => loadConfig({ LOG_FORMAT, LOG_LEVEL: 'info' }).config;

  it('writes one JSON object per line unless attached to a terminal', () => {
    const out = capture();
    createRootLogger(config(''), { isTTY: false, destination: out.destination }).info(
      { workspaceId: 'w' },
      'hello',
    );
    expect(JSON.parse(out.text())).toMatchObject({ level: 30, msg: 'hello', workspaceId: 'w' });
  });

  it('prints human-readable lines on a terminal, or when LOG_FORMAT=pretty', () => {
    for (const [format, isTTY] of [
      ['', true],
      ['pretty', false],
    ] as const) {
      const out = capture();
      createRootLogger(config(format), { isTTY, destination: out.destination }).info('hello');
      expect(out.text()).toMatch(/INFO.*hello/);
      expect(() => JSON.parse(out.text())).toThrow();
    }
  });

  it('LOG_FORMAT=json keeps JSON on a terminal too', () => {
    const out = capture();
    createRootLogger(config('json'), { isTTY: true, destination: out.destination }).info('x');
    expect(JSON.parse(out.text()).msg).toBe('x');
  });
});

describe('createHttpLogger', () => {
  let server: http.Server;
  let url: string;
  let out: ReturnType<typeof capture>;

  beforeAll(async () => {
    out = capture();
    const config = loadConfig({ LOG_LEVEL: 'info' }).config;
    const middleware = createHttpLogger(config, createRootLogger(config, out));
    server = http.createServer((req, res) =>
      middleware(req, res, () => {
        req.log.info('inside the request');
        res.end('ok');
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const lines = () =>
    out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>);

  it('keeps a sane X-Request-Id, echoes it, and tags the request’s lines with it', async () => {
    const res = await fetch(`${url}/things`, { headers: { 'X-Request-Id': 'lb-7f3a:1' } });
    expect(res.headers.get('x-request-id')).toBe('lb-7f3a:1');
    await res.text();
    const mine = lines().filter((l) => l.req?.id === 'lb-7f3a:1');
    expect(mine.map((l) => l.msg)).toEqual(['inside the request', 'request completed']);
    expect(mine[1]).toMatchObject({ req: { method: 'GET', url: '/things' } });
  });

  it.each([['has spaces in it'], ['x'.repeat(129)], ['<script>'], ['a;b']])(
    'replaces an unusable X-Request-Id (%#) with a fresh UUID',
    async (sent) => {
      const res = await fetch(`${url}/`, { headers: { 'X-Request-Id': sent } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('gives a request without one a fresh UUID', async () => {
    const res = await fetch(`${url}/`);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never logs bearer tokens or cookies', async () => {
    await (
      await fetch(`${url}/secret`, {
        headers: { Authorization: 'Bearer sk-live-123', Cookie: 'session=abc' },
      })
    ).text();
    expect(out.text()).not.toContain('sk-live-123');
    expect(out.text()).not.toContain('session=abc');
  });
});
