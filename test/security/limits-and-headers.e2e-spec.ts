import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Clock } from '../../src/common/clock/clock';
import { appRoutes, routeKey } from '../support/app-routes';
import { FakeClock } from '../support/fake-clock';
import { useTestApp } from '../support/test-app';
import { useTestDatabase } from '../support/test-database';
import { ROUTE_AUTH } from './support/route-auth';
import { isApiDocsPath } from '../../src/common/openapi/docs-paths';
import { insertCast, requestFor } from './support/route-requests';
import { RawResponse, send } from './support/send';

/** Spec 01 §2.10, written out here rather than imported: the test must not share the code's table. */
const FIXED_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};
const API_CSP = "default-src 'self'";
const CANVAS_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; connect-src 'self' ws: wss:; font-src 'self' data:";

/** What is wrong with a response's security headers, if anything. */
function headerFaults(res: RawResponse, csp: string): string[] {
  const faults = Object.entries(FIXED_HEADERS)
    .filter(([name, value]) => res.headers.get(name) !== value)
    .map(([name]) => `${name}: ${res.headers.get(name)}`);
  if (res.headers.get('content-security-policy') !== csp)
    faults.push(`content-security-policy: ${res.headers.get('content-security-policy')}`);
  if (res.headers.has('x-powered-by')) faults.push('x-powered-by is sent');
  return faults;
}

/** A GET from a chosen loopback address: each address is its own client to the limiter. */
function getFrom(
  localAddress: string,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { localAddress, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('rate limits and security headers (spec 01 §2.10)', () => {
  const db = useTestDatabase();

  describe('security headers', () => {
    const app = useTestApp(db, { MOLECULE_ORG_ID: 'org-headers', RATE_LIMIT: '100000' });
    const ORG = { 'X-Molecule-Org-Id': 'org-headers' };

    it('are on the answer of every served route; the API CSP everywhere but the canvas paths', async () => {
      const cast = await insertCast(db);
      const failures: string[] = [];
      for (const route of appRoutes(app.app)) {
        const req = requestFor(route, ROUTE_AUTH[routeKey(route)]?.auth ?? 'open', cast);
        const res = await send(app.baseUrl, { ...req, headers: { ...req.headers, ...ORG } });
        // swagger-ui runs inline scripts: the docs are served under the canvas policy.
        const csp =
          route.path.startsWith('/canvas/') || isApiDocsPath(route.path) ? CANVAS_CSP : API_CSP;
        const faults = headerFaults(res, csp);
        if (faults.length > 0)
          failures.push(`${routeKey(route)} (${res.status}): ${faults.join('; ')}`);
      }
      expect(failures).toEqual([]);
    });

    it('are on every refusal the middleware answers itself', async () => {
      const answers: Record<string, RawResponse> = {
        'tenant guard 404': await send(app.baseUrl, { method: 'GET', path: '/workspaces' }),
        'CORS 403': await send(app.baseUrl, {
          method: 'GET',
          path: '/health',
          headers: { Origin: 'https://evil.example' },
        }),
        'CORS preflight 204': await send(app.baseUrl, {
          method: 'OPTIONS',
          path: '/workspaces',
          headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'POST' },
        }),
        'NUL in the URL 400': await send(app.baseUrl, {
          method: 'GET',
          path: '/workspaces/%00',
          headers: ORG,
        }),
        'unmatched 404': await send(app.baseUrl, {
          method: 'GET',
          path: '/workspaces/x/y/z/w',
          headers: ORG,
        }),
        'oversized body 413': await send(app.baseUrl, {
          method: 'POST',
          path: '/registry/heartbeat',
          headers: { ...ORG, 'Content-Type': 'application/json' },
          body: `{"workspace_id":"${'x'.repeat(5 * 1024 * 1024)}"}`,
        }),
      };
      const statuses = Object.fromEntries(Object.entries(answers).map(([k, r]) => [k, r.status]));
      expect(statuses).toEqual({
        'tenant guard 404': 404,
        'CORS 403': 403,
        'CORS preflight 204': 204,
        'NUL in the URL 400': 400,
        'unmatched 404': 404,
        'oversized body 413': 413,
      });
      for (const [what, res] of Object.entries(answers))
        expect({ what, faults: headerFaults(res, API_CSP) }).toEqual({ what, faults: [] });
    });
  });

  describe('the global limiter, RATE_LIMIT=5', () => {
    const clock = new FakeClock();
    const ADMIN_TOKEN = randomBytes(32).toString('base64url');
    const app = useTestApp(db, { RATE_LIMIT: '5', ADMIN_TOKEN }, [
      { provide: Clock, useValue: clock },
    ]);
    // Each test starts a fresh window.
    beforeEach(() => clock.advance(60_000));

    it('answers the 6th request of the minute with 429, Retry-After and the triplet; it never reaches the route', async () => {
      const admin = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
      for (let i = 0; i < 5; i++) {
        const res = await send(app.baseUrl, { method: 'GET', path: '/plugins/sources' });
        expect([res.status, res.headers.get('x-ratelimit-remaining')]).toEqual([
          200,
          String(4 - i),
        ]);
      }
      const before = await db.query('SELECT count(*)::int AS n FROM workspaces');
      const res = await send(app.baseUrl, {
        method: 'POST',
        path: '/workspaces',
        headers: admin,
        body: JSON.stringify({ name: 'over the limit' }),
      });
      expect(res.status).toBe(429);
      expect(JSON.parse(res.text)).toEqual({ error: 'rate limit exceeded', retry_after: 60 });
      expect(res.headers.get('retry-after')).toBe('60');
      expect([
        res.headers.get('x-ratelimit-limit'),
        res.headers.get('x-ratelimit-remaining'),
        res.headers.get('x-ratelimit-reset'),
      ]).toEqual(['5', '0', '60']);
      expect(headerFaults(res, API_CSP)).toEqual([]);
      expect(await db.query('SELECT count(*)::int AS n FROM workspaces')).toEqual(before);
    });

    it('serves again when the window turns, with Retry-After counting down to it', async () => {
      for (let i = 0; i < 5; i++) await send(app.baseUrl, { method: 'GET', path: '/plugins' });
      clock.advance(59_000);
      const late = await send(app.baseUrl, { method: 'GET', path: '/plugins' });
      expect([late.status, late.headers.get('retry-after')]).toEqual([429, '1']);
      clock.advance(1_000);
      expect((await send(app.baseUrl, { method: 'GET', path: '/plugins' })).status).toBe(200);
    });

    it('never limits /health, /ready and /metrics, nor charges them to the address', async () => {
      for (let i = 0; i < 20; i++) {
        for (const path of ['/health', '/ready', '/metrics']) {
          const res = await send(app.baseUrl, { method: 'GET', path });
          expect([path, res.status === 429, res.headers.get('x-ratelimit-limit')]).toEqual([
            path,
            false,
            'unlimited',
          ]);
        }
      }
      const res = await send(app.baseUrl, { method: 'GET', path: '/plugins' });
      expect(res.headers.get('x-ratelimit-remaining')).toBe('4');
    });

    it('keys on the TCP peer address: another address has its own budget, X-Forwarded-For none', async () => {
      const url = `${app.baseUrl}/plugins`;
      for (let i = 0; i < 5; i++) await getFrom('127.0.0.1', url);
      const spoofed = await getFrom('127.0.0.1', url, { 'X-Forwarded-For': '127.0.0.2' });
      expect(spoofed.status).toBe(429);
      const other = await getFrom('127.0.0.2', url);
      expect([other.status, other.headers['x-ratelimit-remaining']]).toEqual([200, '4']);
    });
  });
});
