import * as path from 'node:path';
import { workspaceFieldError } from '../workspace-fields';

/** A skill of a bundle: the files of `skills/<id>/`, by path relative to that directory. */
export interface BundleSkill {
  id: string;
  name: string;
  description: string;
  files: Record<string, string>;
}

/**
 * A portable description of a workspace tree (spec 01 §4). Every key is present on export;
 * `runtime` is ours (the reference exported none and re-derived it from `config.yaml`).
 */
export interface Bundle {
  schema: string;
  id: string;
  name: string;
  description: string;
  tier: number;
  model: string;
  runtime: string;
  system_prompt: string;
  skills: BundleSkill[];
  tools: { id: string; config: unknown }[];
  prompts: Record<string, string>;
  sub_workspaces: Bundle[];
  agent_card: unknown;
  author: string;
  version: string;
}

/** Bounds on one imported bundle: real trees are far smaller. */
export const BUNDLE_LIMITS = { maxNodes: 500, maxDepth: 16 } as const;

/** The body is not a usable bundle; the wire says `invalid bundle`. */
export class BundleError extends Error {}

/**
 * Reads an uploaded bundle: the types of every key the import uses, names by the workspace
 * field rules, skill ids and file paths that stay inside their directory, and a bounded
 * tree. Missing keys are their zero values.
 */
export function parseBundle(value: unknown): Bundle {
  const counter = { nodes: 0 };
  return parseNode(value, 1, counter);
}

function parseNode(value: unknown, depth: number, counter: { nodes: number }): Bundle {
  if (depth > BUNDLE_LIMITS.maxDepth) throw new BundleError('bundle nests too deeply');
  if (++counter.nodes > BUNDLE_LIMITS.maxNodes)
    throw new BundleError('bundle has too many workspaces');
  const raw = record(value, 'bundle');
  const name = text(raw.name, 'name');
  const description = text(raw.description, 'description');
  if (name.trim() === '') throw new BundleError('name is required');
  const problem = workspaceFieldError({
    name,
    role: description,
    model: text(raw.model, 'model'),
    runtime: text(raw.runtime, 'runtime'),
  });
  if (problem) throw new BundleError(problem);
  const tier = raw.tier ?? 0;
  if (!Number.isInteger(tier) || (tier as number) < -(2 ** 31) || (tier as number) >= 2 ** 31) {
    throw new BundleError('tier must be an integer');
  }
  return {
    schema: text(raw.schema, 'schema'),
    id: text(raw.id, 'id'),
    name,
    description,
    tier: tier as number,
    model: text(raw.model, 'model'),
    runtime: text(raw.runtime, 'runtime'),
    system_prompt: text(raw.system_prompt, 'system_prompt'),
    skills: list(raw.skills, 'skills').map(parseSkill),
    tools: [],
    prompts: files(raw.prompts, 'prompts'),
    sub_workspaces: list(raw.sub_workspaces, 'sub_workspaces').map((child) =>
      parseNode(child, depth + 1, counter),
    ),
    agent_card: raw.agent_card ?? null,
    author: text(raw.author, 'author'),
    version: text(raw.version, 'version'),
  };
}

function parseSkill(value: unknown): BundleSkill {
  const raw = record(value, 'skill');
  const id = text(raw.id, 'skill id');
  if (!isSafeSegment(id)) throw new BundleError('invalid skill id');
  return {
    id,
    name: text(raw.name, 'skill name'),
    description: text(raw.description, 'skill description'),
    files: files(raw.files, 'skill files'),
  };
}

/** A map of relative file path → text, every path staying inside its directory. */
function files(value: unknown, field: string): Record<string, string> {
  const raw = value == null ? {} : record(value, field);
  for (const [relPath, content] of Object.entries(raw)) {
    if (!isSafeRelativePath(relPath)) throw new BundleError(`${field}: unsafe path`);
    if (typeof content !== 'string') throw new BundleError(`${field}: content must be text`);
  }
  return raw as Record<string, string>;
}

/** Relative, `/`-separated, no `..`, no backslash, no NUL. */
export function isSafeRelativePath(relPath: string): boolean {
  if (relPath === '' || relPath.includes('\\') || relPath.includes('\0')) return false;
  if (path.posix.isAbsolute(relPath) || /^[A-Za-z]:/.test(relPath)) return false;
  const segments = relPath.split('/');
  return segments.every((s) => s !== '' && s !== '.' && s !== '..');
}

function isSafeSegment(name: string): boolean {
  return name !== '' && !name.includes('/') && isSafeRelativePath(name);
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  throw new BundleError(`${field} must be an object`);
}

function list(value: unknown, field: string): unknown[] {
  if (value == null) return [];
  if (Array.isArray(value)) return value;
  throw new BundleError(`${field} must be a list`);
}

function text(value: unknown, field: string): string {
  if (value == null) return '';
  if (typeof value === 'string') return value;
  throw new BundleError(`${field} must be a string`);
}
