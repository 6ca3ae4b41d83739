import express from 'express';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config/load-config';
import { Clock } from '../clock/clock';
import { rateLimitMiddleware } from './rate-limit.middleware';

describe('rateLimitMiddleware', () => {
  let nowMs: number;
  const clock: Clock = {
    now: () => new Date(nowMs),
    setTimeout: () => {
      throw new Error('the limiter must not arm timers');
    },
  };
  let server: Server;
  let url: string;

  async function start(env: Record<string, string>): Promise<void> {
    const app = express();
    app.use(rateLimitMiddleware(loadConfig(env).config, clock));
    app.get(['/ping', '/health', '/ready', '/metrics', '/health/'], (_req, res) => {
      res.json({ status: 'ok' });
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const get = (headers: Record<string, string> = {}, path = '/ping') =>
    fetch(url + path, { headers });
  const triplet = (res: Response) => [
    res.headers.get('x-ratelimit-limit'),
    res.headers.get('x-ratelimit-remaining'),
    res.headers.get('x-ratelimit-reset'),
  ];

  beforeEach(() => {
    nowMs = Date.UTC(2026, 0, 1);
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  describe('with RATE_LIMIT=2', () => {
    beforeEach(() => start({ RATE_LIMIT: '2' }));

    it('puts the X-RateLimit-* triplet on allowed responses', async () => {
      const first = await get();
      expect(first.status).toBe(200);
      expect(triplet(first)).toEqual(['2', '1', '60']);
      nowMs += 15_000;
      const second = await get();
      expect(second.status).toBe(200);
      expect(triplet(second)).toEqual(['2', '0', '45']);
      expect(second.headers.get('retry-after')).toBeNull();
    });

    it('answers 429 with retry_after and Retry-After once the budget is spent', async () => {
      await get();
      await get();
      nowMs += 30_200;
      const res = await get();
      expect(res.status).toBe(429);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await res.text()).toBe('{"error":"rate limit exceeded","retry_after":30}');
      expect(res.headers.get('retry-after')).toBe('30');
      expect(triplet(res)).toEqual(['2', '0', '30']);
    });

    it('serves again once the window has passed', async () => {
      await get();
      await get();
      expect((await get()).status).toBe(429);
      nowMs += 60_000;
      const res = await get();
      expect(res.status).toBe(200);
      expect(triplet(res)).toEqual(['2', '1', '60']);
    });

    it('keys on the TCP peer: a spoofed X-Forwarded-For cannot open a fresh bucket', async () => {
      await get({ 'X-Forwarded-For': '203.0.113.1' });
      await get({ 'X-Forwarded-For': '203.0.113.2' });
      const res = await get({ 'X-Forwarded-For': '203.0.113.3', 'X-Real-IP': '203.0.113.4' });
      expect(res.status).toBe(429);
    });

    it('never limits the probes, nor charges them to the address', async () => {
      for (let i = 0; i < 5; i++) {
        for (const probe of ['/health', '/ready', '/metrics']) {
          const res = await get({}, probe);
          expect(res.status).toBe(200);
          expect(triplet(res)).toEqual(['unlimited', null, null]);
        }
      }
      expect(triplet(await get())).toEqual(['2', '1', '60']);
    });

    it('exempts the exact probe paths only', async () => {
      await get();
      await get();
      expect((await get({}, '/health/')).status).toBe(429);
      expect((await get({}, '/health?x=1')).status).toBe(200);
    });
  });

  describe('in dev mode (MOLECULE_ENV=development, no ADMIN_TOKEN)', () => {
    beforeEach(() => start({ RATE_LIMIT: '1', MOLECULE_ENV: 'development' }));

    it('never limits and says so', async () => {
      for (let i = 0; i < 3; i++) {
        const res = await get();
        expect(res.status).toBe(200);
        expect(triplet(res)).toEqual(['unlimited', null, null]);
      }
    });
  });

  describe('in dev mode with ADMIN_TOKEN set', () => {
    beforeEach(() => start({ RATE_LIMIT: '1', MOLECULE_ENV: 'dev', ADMIN_TOKEN: 'secret' }));

    it('limits as usual', async () => {
      expect((await get()).status).toBe(200);
      expect((await get()).status).toBe(429);
    });
  });
});
