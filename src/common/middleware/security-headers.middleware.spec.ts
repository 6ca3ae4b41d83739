import express from 'express';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_CSP, CANVAS_CSP, isApiPath, securityHeaders } from './security-headers.middleware';

const FIXED = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

describe('securityHeaders', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const app = express();
    app.use(securityHeaders);
    app.get('/workspaces/:id', (_req, res) => {
      res.json({ id: 'x' });
    });
    app.get('/events/stream', (_req, res) => {
      res.setHeader('Content-Type', 'text/event-stream');
      res.end('data: {}\n\n');
    });
    app.get('/framed', (_req, res) => {
      res.setHeader('X-Frame-Options', 'SAMEORIGIN');
      res.end();
    });
    // Express's own 404 page would set its own CSP; the real app answers 404 through Nest.
    app.all('/{*path}', (_req, res) => {
      res.status(404).json({ error: 'not found' });
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const headersOf = async (path: string) => {
    const res = await fetch(url + path);
    await res.text();
    return res.headers;
  };

  it.each(['/workspaces/abc', '/events/stream', '/canvas/viewport', '/', '/no-such-page'])(
    'sets every fixed header on %s',
    async (path) => {
      const headers = await headersOf(path);
      for (const [name, value] of Object.entries(FIXED)) expect(headers.get(name)).toBe(value);
    },
  );

  it('gives API paths the strict CSP, without any unsafe-* source', async () => {
    const csp = (await headersOf('/workspaces/abc')).get('content-security-policy');
    expect(csp).toBe("default-src 'self'");
    expect(csp).not.toContain('unsafe-');
  });

  it('gives canvas paths the permissive CSP, still without unsafe-eval', async () => {
    const csp = (await headersOf('/canvas/viewport')).get('content-security-policy');
    expect(csp).toBe(
      "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob:; connect-src 'self' ws: wss:; font-src 'self' data:",
    );
    expect(csp).not.toContain('unsafe-eval');
  });

  it('lets a handler override a header it set', async () => {
    expect((await headersOf('/framed')).get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('exports the two policies it applies', () => {
    expect(API_CSP).toBe("default-src 'self'");
    expect(CANVAS_CSP).toContain("connect-src 'self' ws: wss:");
  });
});

describe('isApiPath', () => {
  const apiRoots = [
    '/workspaces',
    '/registry',
    '/health',
    '/admin',
    '/metrics',
    '/settings',
    '/bundles',
    '/org',
    '/orgs',
    '/templates',
    '/plugins',
    '/webhooks',
    '/channels',
    '/ws',
    '/events',
    '/approvals',
    '/instructions',
    '/ready',
  ];

  it.each(apiRoots)('%s and paths under it are API paths', (root) => {
    expect(isApiPath(root)).toBe(true);
    expect(isApiPath(`${root}/x/y`)).toBe(true);
  });

  it.each([
    '/canvas/viewport',
    '/workspacesX',
    '/healthcheck',
    '/instructionsX',
    '/readyz',
    '/',
    '',
    '/cp/auth/me',
    '/organizations',
    '/wss',
    '/_next/static/a.js',
  ])('%s is not an API path', (path) => {
    expect(isApiPath(path)).toBe(false);
  });
});
