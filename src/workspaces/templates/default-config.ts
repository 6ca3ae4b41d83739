import { goQuote } from '../../common/text/go-quote';

/** Runtimes a generated config may name (spec 04 §4.10's fallback list). */
export const KNOWN_RUNTIMES: readonly string[] = [
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
];

/** A known runtime as itself; blank or unknown → `langgraph`. */
export function sanitizeRuntime(runtime: string): string {
  const trimmed = runtime.trim();
  return KNOWN_RUNTIMES.includes(trimmed) ? trimmed : 'langgraph';
}

/** `sonnet` for claude-code, `anthropic:claude-opus-4-7` for every other runtime. */
export function defaultModelFor(runtime: string): string {
  return runtime === 'claude-code' ? 'sonnet' : 'anthropic:claude-opus-4-7';
}

export interface DefaultConfigFields {
  readonly name: string;
  readonly role: string;
  readonly tier: number;
  readonly runtime: string;
  readonly model: string;
}

/**
 * The generated `config.yaml` (spec 04 §4.10): the fields as double-quoted scalars (CR
 * dropped, LF turned into a space, so no value can add a key), and a `runtime_config` block
 * for runtimes other than langgraph and deepagents.
 */
export function generateDefaultConfig(fields: DefaultConfigFields): string {
  const runtime = sanitizeRuntime(fields.runtime);
  const lines = [
    `name: ${quote(fields.name)}`,
    `description: ${quote(fields.role)}`,
    'version: 1.0.0',
    `tier: ${fields.tier}`,
    `runtime: ${runtime}`,
    `model: ${quote(fields.model || defaultModelFor(runtime))}`,
  ];
  if (runtime !== 'langgraph' && runtime !== 'deepagents') {
    lines.push('runtime_config:', '  timeout: 0');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * CRs dropped, line feeds turned into spaces, then Go-quoted as the reference writes it (a Go
 * string literal is a valid YAML double-quoted scalar).
 */
function quote(value: string): string {
  return goQuote(value.replace(/\r/g, '').replace(/\n/g, ' '));
}
