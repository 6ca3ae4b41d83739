import { ApiError } from '../../common/http/api-error';
import { loadConfig } from '../../config/load-config';
import { checkTestTokenGate } from './test-token-gate';

const ADMIN = 'the-admin-token';

/** The gate's verdict: 'open', or the status and body it refused with. */
function verdict(env: Record<string, string>, authorization?: string) {
  try {
    checkTestTokenGate(loadConfig(env).config, authorization);
    return 'open';
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return [(error as ApiError).status, (error as ApiError).body];
  }
}

describe('checkTestTokenGate', () => {
  it('is hidden only when MOLECULE_ENV is exactly "production"', () => {
    expect(verdict({ MOLECULE_ENV: 'production' })).toEqual([404, { error: 'not found' }]);
    for (const env of ['', 'prod', 'Production', ' production', 'staging', 'development'])
      expect(verdict({ MOLECULE_ENV: env })).toBe('open');
  });

  it('MOLECULE_ENABLE_TEST_TOKENS=1 re-enables it in production (no other value does)', () => {
    const env = { MOLECULE_ENV: 'production' };
    expect(verdict({ ...env, MOLECULE_ENABLE_TEST_TOKENS: '1' })).toBe('open');
    expect(verdict({ ...env, MOLECULE_ENABLE_TEST_TOKENS: 'true' })).toEqual([
      404,
      { error: 'not found' },
    ]);
  });

  it('hides itself before asking for credentials', () => {
    expect(verdict({ MOLECULE_ENV: 'production', ADMIN_TOKEN: ADMIN })).toEqual([
      404,
      { error: 'not found' },
    ]);
  });

  it('requires no credential without ADMIN_TOKEN', () => {
    expect(verdict({}, undefined)).toBe('open');
    expect(verdict({}, 'Bearer anything')).toBe('open');
  });

  it('with ADMIN_TOKEN set, compares the header minus a leading "Bearer "', () => {
    const env = { ADMIN_TOKEN: ADMIN };
    const refused = [401, { error: 'admin auth required' }];
    expect(verdict(env, `Bearer ${ADMIN}`)).toBe('open');
    expect(verdict(env, ADMIN)).toBe('open');
    expect(verdict(env, undefined)).toEqual(refused);
    expect(verdict(env, 'Bearer wrong')).toEqual(refused);
    expect(verdict(env, `bearer ${ADMIN}`)).toEqual(refused);
    expect(verdict(env, `Bearer ${ADMIN} `)).toEqual(refused);
    expect(verdict(env, `Bearer  ${ADMIN}`)).toEqual(refused);
  });
});
