import { stringify } from 'yaml';

/**
 * The plugin list of a node (spec 05 §6.11): the defaults first (deduplicated), then the
 * node's own; `!name` or `-name` removes a plugin; order is kept.
 */
export function mergePlugins(defaults: readonly string[], own: readonly string[]): string[] {
  const merged: string[] = [];
  for (const entry of [...defaults, ...own]) {
    const removal = /^[!-]/.test(entry) ? entry.slice(1) : undefined;
    if (removal !== undefined) {
      const at = merged.indexOf(removal);
      if (at >= 0) merged.splice(at, 1);
    } else if (entry !== '' && !merged.includes(entry)) {
      merged.push(entry);
    }
  }
  return merged;
}

/**
 * Category routing of a node: the defaults (empty lists dropped), each node key replacing
 * the default wholesale, a node key with an empty list deleting it.
 */
export function mergeCategoryRouting(
  defaults: Readonly<Record<string, readonly string[]>>,
  own: Readonly<Record<string, readonly string[]>>,
): Record<string, string[]> {
  const merged: Record<string, string[]> = {};
  for (const [category, roles] of Object.entries(defaults)) {
    if (roles.length > 0) merged[category] = [...roles];
  }
  for (const [category, roles] of Object.entries(own)) {
    if (roles.length === 0) delete merged[category];
    else merged[category] = [...roles];
  }
  return merged;
}

/** A top-level `category_routing:` mapping, keys sorted, lists in flow style; `''` when empty. */
export function renderCategoryRouting(
  routing: Readonly<Record<string, readonly string[]>>,
): string {
  const categories = Object.keys(routing).sort();
  if (categories.length === 0) return '';
  const lines = categories.map(
    (category) =>
      `  ${JSON.stringify(category)}: [${routing[category].map((r) => JSON.stringify(r)).join(', ')}]`,
  );
  return `category_routing:\n${lines.join('\n')}\n`;
}

/** `key: <text>` as YAML (a literal block for multi-line text); `''` for empty text. */
export function renderTextField(key: string, text: string): string {
  return text === '' ? '' : stringify({ [key]: text }, { lineWidth: 0 });
}

/** Appends a YAML fragment with a guaranteed newline boundary. */
export function appendYamlBlock(config: string, block: string): string {
  if (block === '') return config;
  const separator = config === '' || config.endsWith('\n') ? '' : '\n';
  return `${config}${separator}${block.endsWith('\n') ? block : `${block}\n`}`;
}
