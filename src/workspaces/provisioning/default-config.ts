import { goQuote } from './go-quote';

/** Runtimes the server knows (the reference's fallback list when no manifest is present). */
export const KNOWN_RUNTIMES = [
  'langgraph',
  'claude-code',
  'openclaw',
  'crewai',
  'autogen',
  'deepagents',
  'hermes',
  'codex',
  'gemini-cli',
  'external',
] as const;

const DEFAULT_RUNTIME = 'langgraph';

/**
 * The runtime allow-list (spec 04 §4.10): a known runtime is kept, anything else — blank,
 * unknown, a traversal string, a newline — becomes `langgraph`. What reaches a path or the
 * generated config is always one of the known names.
 */
export function sanitizeRuntime(runtime: string): string {
  const trimmed = runtime.trim();
  return (KNOWN_RUNTIMES as readonly string[]).includes(trimmed) ? trimmed : DEFAULT_RUNTIME;
}

/** The model a generated config names when the caller gave none. */
export function defaultModel(runtime: string): string {
  return runtime === 'claude-code' ? 'sonnet' : 'anthropic:claude-opus-4-7';
}

export interface DefaultConfigInput {
  readonly name: string;
  readonly role: string;
  readonly tier: number;
  readonly runtime: string;
  readonly model: string;
}

/**
 * The generated `config.yaml` of a workspace created without a usable template (spec 04
 * §4.10), line by line as the reference writes it. Strings are single-line quoted scalars, so
 * a name or model can never add YAML keys. `required_env` is never written.
 */
export function generateDefaultConfig(input: DefaultConfigInput): string {
  const runtime = sanitizeRuntime(input.runtime);
  const model = input.model === '' ? defaultModel(runtime) : input.model;
  const lines = [
    `name: ${quote(input.name)}`,
    `description: ${quote(input.role)}`,
    'version: 1.0.0',
    `tier: ${input.tier}`,
    `runtime: ${runtime}`,
    `model: ${quote(model)}`,
  ];
  if (runtime !== 'langgraph' && runtime !== 'deepagents') {
    lines.push('runtime_config:', '  timeout: 0');
  }
  return `${lines.join('\n')}\n`;
}

/** CRs removed, line feeds turned into spaces, then Go-quoted. */
function quote(value: string): string {
  return goQuote(value.replace(/\r/g, '').replace(/\n/g, ' '));
}
