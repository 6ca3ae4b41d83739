import { MetricsRegistry } from '../src/common/metrics/metrics-registry';
import { TestApp, useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const API_CSP = "default-src 'self'";
const CANVAS_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; connect-src 'self' ws: wss:; font-src 'self' data:";
const ORG_ID = '3b0c6a52-8f0e-4d8a-9d35-6c1e7e0f4a21';

/** The app's own registry: readable even when the limiter would refuse GET /metrics. */
const metricsText = (app: TestApp) => app.get(MetricsRegistry).registry.metrics();

describe('global middleware', () => {
  const db = useTestDatabase();

  describe('default configuration', () => {
    // The test harness raises RATE_LIMIT for everyone else; empty means "the default".
    const app = useTestApp(db, { RATE_LIMIT: '' });

    it('answers a canvas preflight itself', async () => {
      const res = await app.http.request('OPTIONS', '/workspaces', {
        headers: {
          Origin: 'http://localhost:3000',
          'Access-Control-Request-Method': 'PATCH',
          'Access-Control-Request-Headers': 'authorization,content-type,x-molecule-org-slug',
        },
      });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-allow-methods')).toBe(
        'GET,POST,PUT,PATCH,DELETE,OPTIONS',
      );
      expect(res.headers.get('access-control-allow-headers')).toBe(
        'Origin,Content-Type,X-Workspace-ID,Authorization,X-Molecule-Org-Slug,X-Timeout',
      );
    });

    it('echoes the origin on a simple request and exposes the rate-limit headers', async () => {
      const res = await app.http.get('/health', { headers: { Origin: 'http://localhost:3001' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3001');
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-expose-headers')).toBe(
        'Retry-After,X-RateLimit-Limit,X-RateLimit-Remaining,X-RateLimit-Reset',
      );
    });

    it('puts the security headers and the API CSP on /health', async () => {
      const res = await app.http.get('/health');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('strict-transport-security')).toBe(
        'max-age=31536000; includeSubDomains',
      );
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('permissions-policy')).toBe(
        'camera=(), microphone=(), geolocation=()',
      );
      expect(res.headers.get('content-security-policy')).toBe(API_CSP);
    });

    it('puts the canvas CSP on a non-API path, even on a 404', async () => {
      const res = await app.http.get('/canvas/some-page');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'not found' });
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toBe(CANVAS_CSP);
    });

    it('applies the default limit of 600 per minute', async () => {
      const res = await app.http.get('/plugins/sources');
      expect(res.headers.get('x-ratelimit-limit')).toBe('600');
      expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeLessThan(600);
      expect(res.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
    });

    it('counts requests by route pattern on /metrics', async () => {
      await app.http.get('/health');
      await app.http.get('/no-such-route');
      const res = await app.http.get('/metrics');
      expect(res.text).toMatch(
        /^molecule_http_requests_total\{method="GET",path="\/health",status="200"\} \d+$/m,
      );
      expect(res.text).toMatch(
        /^molecule_http_requests_total\{method="GET",path="unmatched",status="404"\} \d+$/m,
      );
      expect(res.text).toMatch(
        /^molecule_http_request_duration_seconds_total\{method="GET",path="\/health",status="200"\} [\d.e-]+$/m,
      );
      expect(res.text).not.toContain('path="/no-such-route"');
      expect(res.text).toMatch(/^molecule_websocket_connections_active 0$/m);
    });
  });

  describe('with RATE_LIMIT=3', () => {
    const app = useTestApp(db, { RATE_LIMIT: '3' });

    it('refuses the 4th request of the minute with 429, Retry-After and the triplet', async () => {
      for (const remaining of ['2', '1', '0']) {
        const res = await app.http.get('/plugins/sources');
        expect(res.status).toBe(200);
        expect(res.headers.get('x-ratelimit-limit')).toBe('3');
        expect(res.headers.get('x-ratelimit-remaining')).toBe(remaining);
      }
      const res = await app.http.get('/plugins/sources', {
        headers: { Origin: 'http://localhost:3000' },
      });
      expect(res.status).toBe(429);
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(res.text).toBe(`{"error":"rate limit exceeded","retry_after":${retryAfter}}`);
      expect(res.headers.get('x-ratelimit-limit')).toBe('3');
      expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(res.headers.get('x-ratelimit-reset')).toBe(String(retryAfter));
      // CORS sits outside the limiter, so a cross-origin canvas can read Retry-After.
      expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
      expect(res.headers.get('access-control-expose-headers')).toContain('Retry-After');
    });

    it('never limits /health and /metrics, and does not count the 429s', async () => {
      expect((await app.http.get('/plugins/sources')).status).toBe(429);
      expect((await app.http.get('/health')).status).toBe(200);
      const text = await metricsText(app);
      expect(text).toMatch(
        /^molecule_http_requests_total\{method="GET",path="\/plugins\/sources",status="200"\} 3$/m,
      );
      expect(text).not.toContain('status="429"');
    });
  });

  describe('in dev mode (MOLECULE_ENV=development, no ADMIN_TOKEN)', () => {
    const app = useTestApp(db, { RATE_LIMIT: '1', MOLECULE_ENV: 'development' });

    it('never limits and reports the limit as unlimited', async () => {
      for (let i = 0; i < 3; i++) {
        const res = await app.http.get('/health');
        expect(res.status).toBe(200);
        expect(res.headers.get('x-ratelimit-limit')).toBe('unlimited');
        expect(res.headers.get('x-ratelimit-remaining')).toBeNull();
      }
    });
  });

  describe('with MOLECULE_ORG_ID set (tenant guard)', () => {
    const app = useTestApp(db, { MOLECULE_ORG_ID: ORG_ID });

    it('answers a bare 404 to a request without the org header', async () => {
      const res = await app.http.get('/tenant-probe');
      expect(res.status).toBe(404);
      expect(res.text).toBe('');
      expect(res.headers.get('content-length')).toBe('0');
    });

    it('lets a request carrying this org id through to routing', async () => {
      const res = await app.http.get('/tenant-probe', { headers: { 'X-Molecule-Org-Id': ORG_ID } });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'not found' });
    });

    it('lets /health and /registry/heartbeat through without the header', async () => {
      const health = await app.http.get('/health');
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok' });
      const heartbeat = await app.http.post('/registry/heartbeat', {});
      // Whatever the route answers, it is not the guard's empty 404.
      expect(heartbeat.text).not.toBe('');
    });

    it('counts the guard 404s, labelled unmatched', async () => {
      const before = countOf(await metricsText(app), 'unmatched', '404');
      await app.http.get('/tenant-probe');
      expect(countOf(await metricsText(app), 'unmatched', '404')).toBe(before + 1);
    });
  });
});

function countOf(metrics: string, path: string, status: string): number {
  const line = metrics
    .split('\n')
    .find((l) =>
      l.startsWith(`molecule_http_requests_total{method="GET",path="${path}",status="${status}"} `),
    );
  return line ? Number(line.split(' ')[1]) : 0;
}
