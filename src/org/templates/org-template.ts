import {
  intField,
  listField,
  mappingField,
  stringField,
  stringListField,
  TemplateFieldError,
} from '../../workspaces/templates/template-fields';
import { EnvRequirement, parseEnvRequirements } from './env-requirements';

/** An org template (spec 05 §6.2): `org.yaml`, or the same shape inline as JSON. */
export interface OrgTemplate {
  readonly name: string;
  readonly description: string;
  readonly defaults: OrgDefaults;
  readonly workspaces: readonly OrgNode[];
  /** Seeded as GLOBAL on the first root (their `scope` is ignored). */
  readonly globalMemories: readonly OrgMemory[];
  readonly requiredEnv: readonly EnvRequirement[];
  readonly recommendedEnv: readonly EnvRequirement[];
}

/** An `initial_memories` / `global_memories` entry, as written (normalised when seeded). */
export interface OrgMemory {
  readonly content: string;
  readonly scope: string;
}

export interface PromptFields {
  readonly initialPrompt: string;
  readonly initialPromptFile: string;
  readonly idlePrompt: string;
  readonly idlePromptFile: string;
  readonly idleIntervalSeconds: number;
}

export interface OrgDefaults extends PromptFields {
  readonly runtime: string;
  readonly tier: number;
  readonly model: string;
  readonly plugins: readonly string[];
  readonly categoryRouting: Readonly<Record<string, readonly string[]>>;
  /** Seeded on every node whose own list is empty. */
  readonly initialMemories: readonly OrgMemory[];
}

export interface OrgSchedule {
  readonly name: string;
  readonly cronExpr: string;
  readonly timezone: string;
  readonly prompt: string;
  readonly promptFile: string;
  /** `undefined` when absent (defaults to enabled). */
  readonly enabled: boolean | undefined;
}

export interface OrgNode extends PromptFields {
  readonly name: string;
  readonly role: string;
  readonly runtime: string;
  readonly tier: number;
  readonly model: string;
  readonly template: string;
  readonly filesDir: string;
  readonly systemPrompt: string;
  readonly workspaceDir: string;
  readonly workspaceAccess: string;
  readonly plugins: readonly string[];
  readonly categoryRouting: Readonly<Record<string, readonly string[]>>;
  readonly maxConcurrentTasks: number;
  readonly schedules: readonly OrgSchedule[];
  readonly initialMemories: readonly OrgMemory[];
  readonly external: boolean;
  readonly url: string;
  readonly canvas: { readonly x: number; readonly y: number } | undefined;
  readonly requiredEnv: readonly EnvRequirement[];
  readonly recommendedEnv: readonly EnvRequirement[];
  readonly children: readonly OrgNode[];
}

/** Bounds on what one template may describe: real org charts are far smaller. */
export const ORG_TEMPLATE_LIMITS = {
  maxNodes: 500,
  maxDepth: 16,
  /**
   * Memories one import seeds, and their bytes as written, the defaults' list counted once
   * for every node that inherits it (so a small template cannot fan out into a huge write).
   */
  maxSeededMemories: 5_000,
  maxSeededMemoryBytes: 16 * 1024 * 1024,
} as const;

/** The template does not have the §6.2 shape; the wire says `invalid org template`. */
export class OrgTemplateError extends Error {}

/**
 * Decodes a parsed template (YAML after `!include` expansion, or inline JSON) with the
 * reference's typed rules: unknown keys are ignored, a missing value is its zero value, a
 * value of the wrong type fails the whole template.
 */
export function decodeOrgTemplate(value: unknown): OrgTemplate {
  try {
    const root = mappingField(value, 'template');
    const counter = { nodes: 0 };
    const template: OrgTemplate = {
      name: stringField(root.name, 'name'),
      description: stringField(root.description, 'description'),
      defaults: decodeDefaults(mappingField(root.defaults, 'defaults')),
      workspaces: decodeNodes(root.workspaces, 'workspaces', 1, counter),
      globalMemories: decodeMemories(root.global_memories, 'global_memories'),
      requiredEnv: parseEnvRequirements(root.required_env, 'required_env'),
      recommendedEnv: parseEnvRequirements(root.recommended_env, 'recommended_env'),
    };
    assertSeededMemoriesBounded(template);
    return template;
  } catch (err) {
    if (err instanceof TemplateFieldError) throw new OrgTemplateError(err.message);
    throw err;
  }
}

function decodeDefaults(raw: Record<string, unknown>): OrgDefaults {
  return {
    runtime: stringField(raw.runtime, 'defaults.runtime'),
    tier: intField(raw.tier, 'defaults.tier'),
    model: stringField(raw.model, 'defaults.model'),
    plugins: stringListField(raw.plugins, 'defaults.plugins') ?? [],
    categoryRouting: decodeRouting(raw.category_routing, 'defaults.category_routing'),
    initialMemories: decodeMemories(raw.initial_memories, 'defaults.initial_memories'),
    ...decodePromptFields(raw, 'defaults'),
  };
}

function decodePromptFields(raw: Record<string, unknown>, where: string): PromptFields {
  return {
    initialPrompt: stringField(raw.initial_prompt, `${where}.initial_prompt`),
    initialPromptFile: stringField(raw.initial_prompt_file, `${where}.initial_prompt_file`),
    idlePrompt: stringField(raw.idle_prompt, `${where}.idle_prompt`),
    idlePromptFile: stringField(raw.idle_prompt_file, `${where}.idle_prompt_file`),
    idleIntervalSeconds: intField(raw.idle_interval_seconds, `${where}.idle_interval_seconds`),
  };
}

function decodeNodes(
  value: unknown,
  where: string,
  depth: number,
  counter: { nodes: number },
): OrgNode[] {
  const items = listField(value, where) ?? [];
  if (items.length > 0 && depth > ORG_TEMPLATE_LIMITS.maxDepth) {
    throw new TemplateFieldError(`workspaces nest deeper than ${ORG_TEMPLATE_LIMITS.maxDepth}`);
  }
  return items.map((item, i) => {
    if (++counter.nodes > ORG_TEMPLATE_LIMITS.maxNodes) {
      throw new TemplateFieldError(`more than ${ORG_TEMPLATE_LIMITS.maxNodes} workspaces`);
    }
    return decodeNode(mappingField(item, `${where}[${i}]`), `${where}[${i}]`, depth, counter);
  });
}

function decodeNode(
  raw: Record<string, unknown>,
  where: string,
  depth: number,
  counter: { nodes: number },
): OrgNode {
  const canvas = raw.canvas == null ? undefined : mappingField(raw.canvas, `${where}.canvas`);
  return {
    name: stringField(raw.name, `${where}.name`),
    role: stringField(raw.role, `${where}.role`),
    runtime: stringField(raw.runtime, `${where}.runtime`),
    tier: intField(raw.tier, `${where}.tier`),
    model: stringField(raw.model, `${where}.model`),
    template: stringField(raw.template, `${where}.template`),
    filesDir: stringField(raw.files_dir, `${where}.files_dir`),
    systemPrompt: stringField(raw.system_prompt, `${where}.system_prompt`),
    workspaceDir: stringField(raw.workspace_dir, `${where}.workspace_dir`),
    workspaceAccess: stringField(raw.workspace_access, `${where}.workspace_access`),
    plugins: stringListField(raw.plugins, `${where}.plugins`) ?? [],
    categoryRouting: decodeRouting(raw.category_routing, `${where}.category_routing`),
    maxConcurrentTasks: intField(raw.max_concurrent_tasks, `${where}.max_concurrent_tasks`),
    schedules: (listField(raw.schedules, `${where}.schedules`) ?? []).map((s, i) =>
      decodeSchedule(mappingField(s, `${where}.schedules[${i}]`), `${where}.schedules[${i}]`),
    ),
    initialMemories: decodeMemories(raw.initial_memories, `${where}.initial_memories`),
    external: boolField(raw.external, `${where}.external`) ?? false,
    url: stringField(raw.url, `${where}.url`),
    canvas: canvas && {
      x: numberField(canvas.x, `${where}.canvas.x`),
      y: numberField(canvas.y, `${where}.canvas.y`),
    },
    requiredEnv: parseEnvRequirements(raw.required_env, `${where}.required_env`),
    recommendedEnv: parseEnvRequirements(raw.recommended_env, `${where}.recommended_env`),
    children: decodeNodes(raw.children, `${where}.children`, depth + 1, counter),
    ...decodePromptFields(raw, where),
  };
}

function decodeSchedule(raw: Record<string, unknown>, where: string): OrgSchedule {
  return {
    name: stringField(raw.name, `${where}.name`),
    cronExpr: stringField(raw.cron_expr, `${where}.cron_expr`),
    timezone: stringField(raw.timezone, `${where}.timezone`),
    prompt: stringField(raw.prompt, `${where}.prompt`),
    promptFile: stringField(raw.prompt_file, `${where}.prompt_file`),
    enabled: boolField(raw.enabled, `${where}.enabled`),
  };
}

function decodeMemories(value: unknown, where: string): OrgMemory[] {
  return (listField(value, where) ?? []).map((item, i) => {
    const raw = mappingField(item, `${where}[${i}]`);
    return {
      content: stringField(raw.content, `${where}[${i}].content`),
      scope: stringField(raw.scope, `${where}[${i}].scope`),
    };
  });
}

/**
 * The memories an import of `template` would seed, as written, stay within the limits (counted
 * without building the inherited lists: a big defaults list times 500 nodes is the attack).
 */
function assertSeededMemoriesBounded(template: OrgTemplate): void {
  const size = (list: readonly OrgMemory[]) => ({
    count: list.length,
    bytes: list.reduce((sum, m) => sum + Buffer.byteLength(m.content, 'utf8'), 0),
  });
  const inherited = size(template.defaults.initialMemories);
  const total = size(template.globalMemories);
  for (const node of walkNodes(template.workspaces)) {
    const own = node.initialMemories.length > 0 ? size(node.initialMemories) : inherited;
    total.count += own.count;
    total.bytes += own.bytes;
  }
  const { maxSeededMemories, maxSeededMemoryBytes } = ORG_TEMPLATE_LIMITS;
  if (total.count > maxSeededMemories)
    throw new TemplateFieldError(`more than ${maxSeededMemories} memories to seed`);
  if (total.bytes > maxSeededMemoryBytes)
    throw new TemplateFieldError(`memories to seed exceed ${maxSeededMemoryBytes} bytes`);
}

function decodeRouting(value: unknown, where: string): Record<string, string[]> {
  const routing: Record<string, string[]> = {};
  for (const [category, roles] of Object.entries(mappingField(value, where))) {
    routing[category] = stringListField(roles, `${where}.${category}`) ?? [];
  }
  return routing;
}

function boolField(value: unknown, field: string): boolean | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return value;
  throw new TemplateFieldError(`${field} must be a boolean`);
}

function numberField(value: unknown, field: string): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new TemplateFieldError(`${field} must be a number`);
}

/** Every node, parents before their children, in document order. */
export function* walkNodes(nodes: readonly OrgNode[]): Generator<OrgNode> {
  for (const node of nodes) {
    yield node;
    yield* walkNodes(node.children);
  }
}
