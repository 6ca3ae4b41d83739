import { Logger } from '@nestjs/common';
import { listField, TemplateFieldError } from '../../workspaces/templates/template-fields';

/**
 * One environment requirement (spec 05 §6.2): a single variable that must be set, or a
 * group of which any one suffices. On the wire a single is a string, a group `{any_of}`.
 */
export type EnvRequirement =
  | { readonly kind: 'single'; readonly name: string }
  | { readonly kind: 'any_of'; readonly names: readonly string[] };

export type EnvRequirementJson = string | { any_of: string[] };

const ENV_NAME = /^[A-Z][A-Z0-9_]{0,127}$/;
const logger = new Logger('OrgTemplates');

export function parseEnvRequirements(value: unknown, field: string): EnvRequirement[] {
  return (listField(value, field) ?? []).map((entry) => parseEnvRequirement(entry, field));
}

function parseEnvRequirement(entry: unknown, field: string): EnvRequirement {
  if (typeof entry === 'string') return { kind: 'single', name: entry };
  if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
    const anyOf = (entry as Record<string, unknown>).any_of;
    if (Array.isArray(anyOf) && anyOf.every((name) => typeof name === 'string')) {
      if (anyOf.length === 0) {
        throw new TemplateFieldError('env requirement any_of must contain at least one env var');
      }
      return { kind: 'any_of', names: anyOf as string[] };
    }
  }
  throw new TemplateFieldError(`${field}: an env requirement is a name or {any_of: [names]}`);
}

export function membersOf(requirement: EnvRequirement): readonly string[] {
  return requirement.kind === 'single' ? [requirement.name] : requirement.names;
}

/** Satisfied when any member is among `available`. */
export function isSatisfied(requirement: EnvRequirement, available: ReadonlySet<string>): boolean {
  return membersOf(requirement).some((name) => available.has(name));
}

export function toEnvJson(requirement: EnvRequirement): EnvRequirementJson {
  return requirement.kind === 'single' ? requirement.name : { any_of: [...requirement.names] };
}

interface EnvSource {
  readonly requiredEnv: readonly EnvRequirement[];
  readonly recommendedEnv: readonly EnvRequirement[];
}

interface EnvTree extends EnvSource {
  readonly workspaces: readonly (EnvSource & { readonly children: EnvTree['workspaces'] })[];
}

/**
 * `collectOrgEnv` (spec 05 §6.6): the template's required and recommended variables across
 * every level, invalid names dropped, deduplicated, the required tier dominating, sorted.
 */
export function collectOrgEnv(template: EnvTree): {
  required: EnvRequirement[];
  recommended: EnvRequirement[];
} {
  const required = new Tier();
  const recommended = new Tier();
  const visit = (source: EnvSource) => {
    for (const r of source.requiredEnv) required.add(r);
    for (const r of source.recommendedEnv) recommended.add(r);
  };
  visit(template);
  const walk = (nodes: EnvTree['workspaces']) => {
    for (const node of nodes) {
      visit(node);
      walk(node.children);
    }
  };
  walk(template.workspaces);

  const strict = required.singles();
  const keptRecommended = recommended.entries.filter((r) =>
    membersOf(r).every((name) => !strict.has(name)),
  );
  return {
    required: finish(required.entries),
    recommended: finish(keptRecommended),
  };
}

/** One tier: filtered, deduplicated by sorted members, first occurrence wins. */
class Tier {
  readonly entries: EnvRequirement[] = [];
  private readonly seen = new Set<string>();

  add(requirement: EnvRequirement): void {
    const valid = membersOf(requirement).filter((name) => {
      if (ENV_NAME.test(name)) return true;
      logger.warn(`dropping invalid env requirement name ${JSON.stringify(name)}`);
      return false;
    });
    if (valid.length === 0) return;
    const entry: EnvRequirement =
      requirement.kind === 'single'
        ? { kind: 'single', name: valid[0] }
        : { kind: 'any_of', names: valid };
    const key = [...valid].sort().join('\0');
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.entries.push(entry);
  }

  singles(): Set<string> {
    return new Set(this.entries.flatMap((e) => (e.kind === 'single' ? [e.name] : [])));
  }
}

/** Drops groups that mention a single of the same tier; singles by name, then groups. */
function finish(entries: readonly EnvRequirement[]): EnvRequirement[] {
  const singles = new Set(entries.flatMap((e) => (e.kind === 'single' ? [e.name] : [])));
  const kept = entries.filter(
    (e) => e.kind === 'single' || e.names.every((name) => !singles.has(name)),
  );
  const sortKey = (e: EnvRequirement) =>
    e.kind === 'single' ? `0${e.name}` : `1${[...e.names].sort().join(',')}`;
  return kept.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}
