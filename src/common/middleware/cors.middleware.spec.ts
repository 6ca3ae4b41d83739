import express from 'express';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config/load-config';
import { corsMiddleware } from './cors.middleware';

const EXPOSED = 'Retry-After,X-RateLimit-Limit,X-RateLimit-Remaining,X-RateLimit-Reset';

describe('corsMiddleware', () => {
  let server: Server;
  let url: string;
  let handled: number;

  async function start(env: Record<string, string>): Promise<void> {
    const app = express();
    app.use(corsMiddleware(loadConfig(env).config));
    app.all('/{*path}', (_req, res) => {
      handled++;
      res.json({ ok: true });
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeEach(() => {
    handled = 0;
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  describe('with the default origins', () => {
    beforeEach(() => start({}));

    it('echoes an allowed origin with credentials and the exposed rate-limit headers', async () => {
      const res = await fetch(`${url}/workspaces`, {
        headers: { Origin: 'http://localhost:3001' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3001');
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-expose-headers')).toBe(EXPOSED);
      expect(res.headers.get('vary')).toBe('Origin');
      expect(handled).toBe(1);
    });

    it('answers a preflight with 204 itself, listing methods and request headers', async () => {
      const res = await fetch(`${url}/workspaces/abc`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://localhost:3000',
          'Access-Control-Request-Method': 'PATCH',
          'Access-Control-Request-Headers': 'content-type,x-molecule-org-slug',
        },
      });
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
      expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-allow-methods')).toBe(
        'GET,POST,PUT,PATCH,DELETE,OPTIONS',
      );
      expect(res.headers.get('access-control-allow-headers')).toBe(
        'Origin,Content-Type,X-Workspace-ID,Authorization,X-Molecule-Org-Slug,X-Timeout',
      );
      expect(handled).toBe(0);
    });

    it('refuses a foreign origin with an empty 403 before the handler', async () => {
      const res = await fetch(`${url}/workspaces`, { headers: { Origin: 'https://evil.example' } });
      expect(res.status).toBe(403);
      expect(await res.text()).toBe('');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(handled).toBe(0);
    });

    it('leaves requests without an Origin alone', async () => {
      const res = await fetch(`${url}/health`);
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(handled).toBe(1);
    });

    it('treats an Origin naming this very host as same-origin, not cross-origin', async () => {
      const res = await fetch(`${url}/workspaces`, { method: 'POST', headers: { Origin: url } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(handled).toBe(1);
    });

    it('passes an OPTIONS request without an Origin through to the app', async () => {
      const res = await fetch(`${url}/workspaces`, { method: 'OPTIONS' });
      expect(res.status).toBe(200);
      expect(handled).toBe(1);
    });
  });

  describe('with CORS_ORIGINS set', () => {
    beforeEach(() => start({ CORS_ORIGINS: 'https://canvas.example.com,https://other.example' }));

    it('allows the listed origins', async () => {
      const res = await fetch(`${url}/x`, { headers: { Origin: 'https://other.example' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://other.example');
    });

    it('drops the localhost defaults', async () => {
      const res = await fetch(`${url}/x`, { headers: { Origin: 'http://localhost:3000' } });
      expect(res.status).toBe(403);
    });
  });
});
