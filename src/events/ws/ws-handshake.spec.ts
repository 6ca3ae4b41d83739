import type { IncomingMessage } from 'node:http';
import { mock } from 'jest-mock-extended';
import { WorkspaceTokens } from '../../common/auth/workspace-tokens.service';
import { loadConfig } from '../../config/load-config';
import { WsHandshake } from './ws-handshake';

const upgrade = (headers: Record<string, string>) =>
  ({ headers: { host: 'platform.test:8080', ...headers } }) as unknown as IncomingMessage;

function handshake(env: Record<string, string> = {}): WsHandshake {
  return new WsHandshake(loadConfig(env, '/srv').config, mock<WorkspaceTokens>());
}

describe('WsHandshake origin rules', () => {
  it.each([
    ['no Origin (a non-browser subscriber)', {}],
    ['a default canvas origin', { origin: 'http://localhost:3000' }],
    ["the server's own host", { origin: 'http://platform.test:8080' }],
  ])('admits %s', async (_case, headers) => {
    expect(await handshake().verify(upgrade(headers))).toEqual({ ok: true });
  });

  it('refuses a foreign browser page, as the CORS layer does on every route', async () => {
    expect(await handshake().verify(upgrade({ origin: 'https://evil.example' }))).toEqual({
      ok: false,
      status: 403,
      body: 'Forbidden',
      contentType: 'text/plain',
    });
  });

  describe('with CORS_ORIGINS set', () => {
    const env = { CORS_ORIGINS: 'https://canvas.example' };

    it('admits a listed origin and a subscriber without Origin', async () => {
      expect(await handshake(env).verify(upgrade({ origin: 'https://canvas.example' }))).toEqual({
        ok: true,
      });
      expect(await handshake(env).verify(upgrade({}))).toEqual({ ok: true });
    });

    it('refuses the replaced localhost defaults', async () => {
      const result = await handshake(env).verify(upgrade({ origin: 'http://localhost:3000' }));
      expect(result).toMatchObject({ ok: false, status: 403 });
    });

    it("refuses the server's own host unless listed (the upgrade's own Origin check)", async () => {
      const result = await handshake(env).verify(upgrade({ origin: 'http://platform.test:8080' }));
      expect(result).toEqual({
        ok: false,
        status: 403,
        body: 'Forbidden',
        contentType: 'text/plain',
      });
    });
  });
});
