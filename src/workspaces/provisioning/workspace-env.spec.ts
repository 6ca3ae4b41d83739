import { addBuiltInEnv, gitSlug } from './workspace-env';

describe('addBuiltInEnv (spec 04 §4.3)', () => {
  it('adds the git identity where the secrets left it unset', () => {
    const env: Record<string, string> = { GIT_AUTHOR_EMAIL: 'me@example.com' };
    addBuiltInEnv(env, { name: '  Code Reviewer ', runtime: 'langgraph', role: null });
    expect(env).toEqual({
      GIT_AUTHOR_NAME: 'Molecule AI Code Reviewer',
      GIT_COMMITTER_NAME: 'Molecule AI Code Reviewer',
      GIT_AUTHOR_EMAIL: 'me@example.com',
      GIT_COMMITTER_EMAIL: 'code-reviewer@agents.moleculesai.app',
    });
  });

  it('no identity for a blank name', () => {
    const env: Record<string, string> = {};
    addBuiltInEnv(env, { name: '   ', runtime: 'langgraph', role: null });
    expect(env).toEqual({});
  });

  it('hermes gets HERMES_DEFAULT_MODEL from the payload model, else MODEL_PROVIDER; others none', () => {
    const fromPayload: Record<string, string> = { MODEL_PROVIDER: 'secret-model' };
    addBuiltInEnv(fromPayload, { name: '', runtime: 'hermes', role: null, model: 'payload' });
    expect(fromPayload.HERMES_DEFAULT_MODEL).toBe('payload');
    const fromSecret: Record<string, string> = { MODEL_PROVIDER: 'secret-model' };
    addBuiltInEnv(fromSecret, { name: '', runtime: 'hermes', role: null });
    expect(fromSecret.HERMES_DEFAULT_MODEL).toBe('secret-model');
    const other: Record<string, string> = {};
    addBuiltInEnv(other, { name: '', runtime: 'claude-code', role: null, model: 'x' });
    expect(other).toEqual({});
  });

  it('sets the role, overwriting a secret of that name', () => {
    const env: Record<string, string> = { MOLECULE_AGENT_ROLE: 'old' };
    addBuiltInEnv(env, { name: '', runtime: 'langgraph', role: 'Planner' });
    expect(env.MOLECULE_AGENT_ROLE).toBe('Planner');
  });
});

describe('gitSlug', () => {
  it.each([
    ['Alpha Beta', 'alpha-beta'],
    ['--Ünïcode!! Name__', 'n-code-name'],
    ['A.B/C', 'a-b-c'],
    ['!!!', ''],
  ])('%s → %s', (name, slug) => {
    expect(gitSlug(name)).toBe(slug);
  });
});
