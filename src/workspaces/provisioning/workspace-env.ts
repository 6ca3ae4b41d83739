/** What the built-in variables are derived from. */
export interface BuiltInEnvInput {
  readonly name: string;
  readonly runtime: string;
  readonly role: string | null;
  /** The create payload's model; otherwise the `MODEL_PROVIDER` secret is used. */
  readonly model?: string;
}

/**
 * Adds the built-in variables to a workspace's env (spec 04 §4.3), after its secrets:
 * git identity (only where the secrets left it unset), the hermes model, the agent role.
 */
export function addBuiltInEnv(env: Record<string, string>, input: BuiltInEnvInput): void {
  const name = input.name.trim();
  if (name !== '') {
    const email = `${gitSlug(name)}@agents.moleculesai.app`;
    env.GIT_AUTHOR_NAME ??= `Molecule AI ${name}`;
    env.GIT_COMMITTER_NAME ??= `Molecule AI ${name}`;
    env.GIT_AUTHOR_EMAIL ??= email;
    env.GIT_COMMITTER_EMAIL ??= email;
  }
  const model = input.model || env.MODEL_PROVIDER || '';
  if (model !== '' && input.runtime === 'hermes') env.HERMES_DEFAULT_MODEL = model;
  if (input.role) env.MOLECULE_AGENT_ROLE = input.role;
}

/** Lower case, every run of characters outside `[a-z0-9]` a single `-`, no `-` at either end. */
export function gitSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
