import type { WorkspaceStartSpec } from '../provisioner.port';
import { containerEnv, isGoTrue } from './container-env';

const spec = (over: Partial<WorkspaceStartSpec> = {}): WorkspaceStartSpec => ({
  workspaceId: 'ws-1',
  name: 'n',
  tier: 3,
  runtime: 'langgraph',
  platformUrl: 'http://host.docker.internal:8080',
  env: {},
  ...over,
});

describe('containerEnv', () => {
  it('puts the fixed block first, in the spec’s order', () => {
    expect(containerEnv(spec())).toEqual([
      'WORKSPACE_ID=ws-1',
      'WORKSPACE_CONFIG_PATH=/configs',
      'PLATFORM_URL=http://host.docker.internal:8080',
      'MOLECULE_URL=http://host.docker.internal:8080',
      'TIER=3',
      'PLUGINS_DIR=/plugins',
      'PYTHONPATH=/app',
    ]);
  });

  it('appends the workspace’s variables after it, so they win (last duplicate)', () => {
    const env = containerEnv(spec({ env: { PYTHONPATH: '/custom', OPENAI_API_KEY: 'sk' } }));
    expect(env.slice(7)).toEqual(['PYTHONPATH=/custom', 'OPENAI_API_KEY=sk']);
    expect(env.indexOf('PYTHONPATH=/app')).toBeLessThan(env.indexOf('PYTHONPATH=/custom'));
  });

  it('MOLECULE_URL always equals PLATFORM_URL', () => {
    const env = containerEnv(spec({ platformUrl: 'https://tenant.example' }));
    expect(env).toContain('PLATFORM_URL=https://tenant.example');
    expect(env).toContain('MOLECULE_URL=https://tenant.example');
  });

  it.each([
    [{ url: 'http://aw', namespace: 'workspace:1' }, true],
    [{ url: '', namespace: 'workspace:1' }, false],
    [{ url: 'http://aw', namespace: '' }, false],
    [undefined, false],
  ])('awareness %p injected: %p', (awareness, injected) => {
    const env = containerEnv(spec({ awareness }));
    expect(env.some((e) => e.startsWith('AWARENESS_URL='))).toBe(injected);
    expect(env.some((e) => e.startsWith('AWARENESS_NAMESPACE='))).toBe(injected);
  });

  it('puts pinned values last, after anything the workspace set', () => {
    const env = containerEnv(spec({ env: { A2A_PORT: '1' } }), { A2A_PORT: '40001' });
    expect(env.slice(-2)).toEqual(['A2A_PORT=1', 'A2A_PORT=40001']);
  });

  it('carries no token', () => {
    expect(containerEnv(spec()).join('\n')).not.toMatch(/TOKEN/);
  });
});

describe('isGoTrue', () => {
  it.each(['1', 't', 'T', 'true', 'TRUE', 'True'])('%p is true', (v) =>
    expect(isGoTrue(v)).toBe(true),
  );
  it.each(['0', 'false', 'yes', 'on', '', ' true', undefined])('%p is not', (v) =>
    expect(isGoTrue(v)).toBe(false),
  );
});
