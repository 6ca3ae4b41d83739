import express from 'express';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config/load-config';
import { flyReplayState, tenantGuardMiddleware } from './tenant-guard.middleware';

const ORG = '7f1f0b1e-2f7c-4c55-9a57-0d3c1f6d2a11';
const OTHER = '00000000-0000-4000-8000-000000000000';

describe('tenantGuardMiddleware', () => {
  let server: Server;
  let url: string;

  async function start(env: Record<string, string>): Promise<void> {
    const app = express();
    app.use(tenantGuardMiddleware(loadConfig(env).config));
    app.all('/{*path}', (_req, res) => {
      res.json({ passed: true });
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  afterEach(() => new Promise((resolve) => server.close(resolve)));

  const passes = async (path: string, headers: Record<string, string> = {}, method = 'GET') => {
    const res = await fetch(url + path, { method, headers });
    const text = await res.text();
    if (res.status === 200 && text === '{"passed":true}') return true;
    // A refusal is a bare 404: no body at all.
    expect(res.status).toBe(404);
    expect(text).toBe('');
    expect(res.headers.get('content-length')).toBe('0');
    return false;
  };

  describe('without MOLECULE_ORG_ID', () => {
    beforeEach(() => start({}));

    it('lets everything through', async () => {
      expect(await passes('/workspaces')).toBe(true);
      expect(await passes('/workspaces', { 'X-Molecule-Org-Id': OTHER })).toBe(true);
    });
  });

  describe('with MOLECULE_ORG_ID set', () => {
    beforeEach(() => start({ MOLECULE_ORG_ID: ` ${ORG} ` }));

    it('passes a matching X-Molecule-Org-Id and 404s a missing or different one', async () => {
      expect(await passes('/workspaces', { 'X-Molecule-Org-Id': ORG })).toBe(true);
      expect(await passes('/workspaces')).toBe(false);
      expect(await passes('/workspaces', { 'X-Molecule-Org-Id': OTHER })).toBe(false);
      expect(await passes('/workspaces', { 'X-Molecule-Org-Id': ORG.toUpperCase() })).toBe(false);
    });

    it.each([
      ['GET', '/health'],
      ['GET', '/metrics'],
      ['POST', '/registry/register'],
      ['POST', '/registry/heartbeat'],
    ])('lets %s %s through without proof', async (method, path) => {
      expect(await passes(path, {}, method)).toBe(true);
    });

    it('matches the allow-list exactly', async () => {
      expect(await passes('/health/debug')).toBe(false);
      expect(await passes('/metrics/x')).toBe(false);
      expect(await passes('/registry/update-card', {}, 'POST')).toBe(false);
      expect(await passes('/registry/heartbeatX', {}, 'POST')).toBe(false);
    });

    it.each(['/openapi.json', '/docs', '/docs/', '/docs/swagger-ui-bundle.js'])(
      'lets the API docs (%s) through without proof',
      async (path) => {
        expect(await passes(path)).toBe(true);
      },
    );

    it('opens the docs by whole segment only', async () => {
      expect(await passes('/docsX')).toBe(false);
      expect(await passes('/openapi.json/x')).toBe(false);
    });

    it('lets anything under /cp/ through', async () => {
      expect(await passes('/cp/auth/me')).toBe(true);
      expect(await passes('/cp')).toBe(false);
    });

    it('accepts a Fly-Replay-Src whose state is this org, and rejects another', async () => {
      expect(
        await passes('/workspaces', { 'Fly-Replay-Src': `instance=abc;region=iad;state=${ORG}` }),
      ).toBe(true);
      expect(await passes('/workspaces', { 'Fly-Replay-Src': `state=${OTHER};instance=abc` })).toBe(
        false,
      );
      expect(await passes('/workspaces', { 'Fly-Replay-Src': 'instance=abc;region=iad' })).toBe(
        false,
      );
    });

    it('ignores same-origin canvas requests while the canvas proxy is off', async () => {
      expect(await passes('/workspaces', { Referer: `${url}/` })).toBe(false);
      expect(await passes('/workspaces', { Origin: url })).toBe(false);
    });
  });

  describe('with MOLECULE_ORG_ID and CANVAS_PROXY_URL set', () => {
    beforeEach(() => start({ MOLECULE_ORG_ID: ORG, CANVAS_PROXY_URL: 'http://127.0.0.1:3999' }));

    it('passes a same-origin canvas request by Referer or Origin', async () => {
      expect(await passes('/workspaces', { Referer: `${url}/canvas?ws=1` })).toBe(true);
      expect(await passes('/workspaces', { Referer: url })).toBe(true);
      expect(await passes('/workspaces', { Origin: url })).toBe(true);
    });

    it('rejects a look-alike host', async () => {
      expect(await passes('/workspaces', { Referer: `${url}.evil.com/` })).toBe(false);
      expect(await passes('/workspaces', { Origin: 'http://evil.example' })).toBe(false);
    });
  });
});

describe('flyReplayState', () => {
  it.each([
    [`state=${ORG}`, ORG],
    [`instance=abc;state=${ORG};region=iad`, ORG],
    [`region=iad; state=${ORG} ;instance=abc`, ORG],
    [`  state = ${ORG}  `, ORG],
    ['instance=abc;region=iad', ''],
    ['state=', ''],
    ['', ''],
    [undefined, ''],
    ['stateful=x', ''],
  ])('reads %p as %p', (header, expected) => {
    expect(flyReplayState(header)).toBe(expected);
  });
});
