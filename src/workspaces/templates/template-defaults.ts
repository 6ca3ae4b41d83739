import * as fs from 'node:fs';
import * as path from 'node:path';

/** Runtime and model a template suggests for `POST /workspaces` when the caller gave none. */
export interface TemplateDefaults {
  runtime?: string;
  model?: string;
}

/** Reads `<templateDir>/config.yaml` with the line scanner below; a missing file yields `{}`. */
export function readTemplateDefaults(templateDir: string): TemplateDefaults {
  let text: string;
  try {
    text = fs.readFileSync(path.join(templateDir, 'config.yaml'), 'utf8');
  } catch {
    return {};
  }
  return scanTemplateDefaults(text);
}

/**
 * The reference's line scanner, not a YAML parser (its quirks are kept on purpose):
 * - a non-indented `runtime:` line gives the runtime, trimmed but with its quotes kept;
 * - a non-indented `model:` line gives the model, surrounding `"`/`'` stripped;
 * - otherwise an indented `model:` line (any depth) inside a top-level `runtime_config:` block;
 * - values are taken verbatim, so an inline `# comment` stays part of the value.
 * The first non-empty value of each kind wins. Blank and comment lines do not close a block.
 */
export function scanTemplateDefaults(text: string): TemplateDefaults {
  let runtime: string | undefined;
  let topLevelModel: string | undefined;
  let runtimeConfigModel: string | undefined;
  let inRuntimeConfig = false;

  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;

    if (/^[ \t]/.test(line)) {
      if (inRuntimeConfig) runtimeConfigModel ??= unquote(valueAfter(trimmed, 'model:'));
      continue;
    }
    inRuntimeConfig = line.startsWith('runtime_config:');
    runtime ??= valueAfter(line, 'runtime:');
    topLevelModel ??= unquote(valueAfter(line, 'model:'));
  }

  const defaults: TemplateDefaults = {};
  if (runtime !== undefined) defaults.runtime = runtime;
  const model = topLevelModel ?? runtimeConfigModel;
  if (model !== undefined) defaults.model = model;
  return defaults;
}

function valueAfter(line: string, key: string): string | undefined {
  if (!line.startsWith(key)) return undefined;
  const value = line.slice(key.length).trim();
  return value === '' ? undefined : value;
}

// Like Go's strings.Trim(v, `"'`): every leading and trailing quote character goes.
function unquote(value: string | undefined): string | undefined {
  const stripped = value?.replace(/^["']+|["']+$/g, '');
  return stripped === '' ? undefined : stripped;
}
