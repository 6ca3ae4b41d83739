import { parseDocument } from 'yaml';
import {
  mappingField,
  stringField,
  stringListField,
  TemplateFieldError,
} from '../../workspaces/templates/template-fields';

/** A plugin as listed (spec 05 §7.6): `name` is the folder name, the rest `plugin.yaml`. */
export interface PluginInfo {
  name: string;
  version: string;
  description: string;
  author: string;
  tags: string[] | null;
  skills: string[] | null;
  runtimes: string[] | null;
  supported_on_runtime?: boolean;
}

/** Larger manifests are not read (a plugin.yaml is a few hundred bytes). */
export const MANIFEST_MAX_BYTES = 64 * 1024;

/**
 * Reads a `plugin.yaml`. A manifest that is missing, malformed or of the wrong shape yields
 * the bare entry (the folder name, empty fields), as in the reference.
 */
export function parsePluginManifest(name: string, text: string | undefined): PluginInfo {
  const bare = barePlugin(name);
  if (text === undefined) return bare;
  try {
    const document = parseDocument(text);
    if (document.errors.length > 0) return bare;
    const root = mappingField(document.toJS({ maxAliasCount: 50 }), 'plugin.yaml');
    return {
      name,
      version: stringField(root.version, 'version'),
      description: stringField(root.description, 'description'),
      author: stringField(root.author, 'author'),
      tags: stringListField(root.tags, 'tags'),
      skills: stringListField(root.skills, 'skills'),
      runtimes: stringListField(root.runtimes, 'runtimes'),
    };
  } catch (err) {
    if (err instanceof TemplateFieldError || err instanceof ReferenceError) return bare;
    throw err;
  }
}

/** A plugin without a readable manifest: its folder name and empty fields. */
export function barePlugin(name: string): PluginInfo {
  return {
    name,
    version: '',
    description: '',
    author: '',
    tags: null,
    skills: null,
    runtimes: null,
  };
}

/** A plugin that declares no runtimes supports every runtime; `-` and `_` are equivalent. */
export function supportsRuntime(plugin: PluginInfo, runtime: string): boolean {
  if (!plugin.runtimes || plugin.runtimes.length === 0) return true;
  const wanted = normaliseRuntime(runtime);
  return plugin.runtimes.some((r) => normaliseRuntime(r) === wanted);
}

function normaliseRuntime(runtime: string): string {
  return runtime.trim().replace(/_/g, '-');
}
