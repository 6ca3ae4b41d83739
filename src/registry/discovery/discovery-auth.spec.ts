import type { Request } from 'express';
import { mock, MockProxy } from 'jest-mock-extended';
import { SessionVerifier } from '../../common/auth/session-verifier';
import { WorkspaceTokens } from '../../common/auth/workspace-tokens.service';
import { ApiError } from '../../common/http/api-error';
import { loadConfig } from '../../config/load-config';
import { DiscoveryAuth } from './discovery-auth';

const WS = '0b000000-0000-4000-8000-000000000001';

const request = (headers: Record<string, string> = {}) => ({ headers }) as unknown as Request;

/** The failure's status and wire body, or `'allowed'`. */
async function outcome(promise: Promise<void>): Promise<'allowed' | [number, unknown]> {
  try {
    await promise;
    return 'allowed';
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return [err.status, err.body];
  }
}

describe('DiscoveryAuth (spec 02 §7)', () => {
  let tokens: MockProxy<WorkspaceTokens>;
  let sessions: MockProxy<SessionVerifier>;
  const auth = (env: Record<string, string> = {}) =>
    new DiscoveryAuth(loadConfig(env).config, tokens, sessions);

  beforeEach(() => {
    tokens = mock<WorkspaceTokens>();
    sessions = mock<SessionVerifier>();
    sessions.verify.mockResolvedValue('not-presented');
  });

  it('allows anyone while the workspace holds no live token', async () => {
    tokens.gate.mockResolvedValue('open');
    expect(await outcome(auth().authenticate(WS, request()))).toBe('allowed');
    expect(sessions.verify).not.toHaveBeenCalled();
  });

  it('checks the bearer of the keyed workspace', async () => {
    tokens.gate.mockResolvedValue('valid');
    expect(await outcome(auth().authenticate(WS, request({ authorization: 'Bearer tok' })))).toBe(
      'allowed',
    );
    expect(tokens.gate).toHaveBeenCalledWith(WS, 'tok');
  });

  it('answers 401 for a missing or a wrong bearer', async () => {
    tokens.gate.mockResolvedValue('missing');
    expect(await outcome(auth().authenticate(WS, request()))).toEqual([
      401,
      { error: 'missing workspace auth token' },
    ]);
    tokens.gate.mockResolvedValue('invalid');
    expect(await outcome(auth().authenticate(WS, request({ authorization: 'Bearer x' })))).toEqual([
      401,
      { error: 'invalid workspace auth token' },
    ]);
  });

  it('fails closed with the canned 503 when the token lookup fails', async () => {
    tokens.gate.mockRejectedValue(new Error('connect ECONNREFUSED 10.0.0.5:5432'));
    expect(await outcome(auth().authenticate(WS, request()))).toEqual([
      503,
      { error: 'platform datastore unavailable — retry shortly', code: 'platform_unavailable' },
    ]);
  });

  it('opens the dev hatch only for a development environment without ADMIN_TOKEN', async () => {
    tokens.gate.mockResolvedValue('missing');
    for (const env of ['development', 'dev', ' Development ']) {
      expect(await outcome(auth({ MOLECULE_ENV: env }).authenticate(WS, request()))).toBe(
        'allowed',
      );
    }
    const closed: Record<string, string>[] = [
      { MOLECULE_ENV: 'development', ADMIN_TOKEN: 'adm' },
      { MOLECULE_ENV: 'production' },
      {},
    ];
    for (const env of closed) {
      expect(await outcome(auth(env).authenticate(WS, request()))).toEqual([
        401,
        { error: 'missing workspace auth token' },
      ]);
    }
  });

  it('lets a valid control-plane session in without a bearer', async () => {
    tokens.gate.mockResolvedValue('missing');
    sessions.verify.mockResolvedValue('valid');
    expect(await outcome(auth().authenticate(WS, request({ cookie: 'session=1' })))).toBe(
      'allowed',
    );
    expect(sessions.verify).toHaveBeenCalledWith('session=1');
  });

  it('answers 401 invalid session for a presented but invalid session, before the bearer', async () => {
    sessions.verify.mockResolvedValue('invalid');
    tokens.gate.mockResolvedValue('missing');
    expect(await outcome(auth().authenticate(WS, request({ cookie: 'session=1' })))).toEqual([
      401,
      { error: 'invalid session' },
    ]);
    tokens.gate.mockResolvedValue('valid');
    expect(
      await outcome(
        auth().authenticate(WS, request({ cookie: 'session=1', authorization: 'Bearer tok' })),
      ),
    ).toEqual([401, { error: 'invalid session' }]);
  });
});
