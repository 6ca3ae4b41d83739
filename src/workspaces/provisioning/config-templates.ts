import { TemplateCatalog } from '../templates/template-catalog';
import { sanitizeRuntime } from '../templates/default-config';

/** Where a provision's `/configs` comes from, and the label the restart reply shows. */
export interface TemplateChoice {
  /** Template directory relative to `CONFIGS_DIR`; unset: the existing config volume. */
  readonly template?: string;
  readonly label: string;
}

export interface RestartTemplateRequest {
  readonly template?: string;
  readonly applyTemplate: boolean;
  readonly rebuildConfig: boolean;
  readonly workspaceName: string;
  /** The runtime stored for the workspace (not the container's). */
  readonly runtime: string;
}

const EXISTING_VOLUME: TemplateChoice = { label: 'existing-volume' };

/**
 * Restart's config source (spec 04 §5.2), first match wins: an explicit template that exists;
 * with `apply_template`, the template named like the workspace; with `rebuild_config`, its org
 * template; with `apply_template`, `<runtime>-default`; otherwise the existing volume — a
 * default restart never applies a template, which is what keeps the user's edits. Invalid or
 * missing explicit templates are ignored; runtimes are sanitised before they touch a path.
 */
export function restartTemplate(
  catalog: TemplateCatalog,
  request: RestartTemplateRequest,
): TemplateChoice {
  if (request.template) {
    if (catalog.existingTemplateDir(request.template)) {
      return { template: request.template, label: request.template };
    }
  } else if (request.applyTemplate) {
    const byName = catalog.templateFor(request.workspaceName);
    if (byName !== undefined && catalog.existingTemplateDir(byName)) {
      return { template: byName, label: byName };
    }
  }
  if (request.rebuildConfig) {
    const org = catalog.findOrgTemplate(request.workspaceName);
    if (org !== undefined && catalog.existingTemplateDir(org)) return { template: org, label: org };
  }
  if (request.applyTemplate && request.runtime !== '') {
    const fallback = runtimeDefault(catalog, request.runtime);
    if (fallback) return { template: fallback, label: fallback };
  }
  return EXISTING_VOLUME;
}

/**
 * Create's config source (spec 04 §4.10): the named template when its directory exists, else
 * `<runtime>-default`, else a generated `config.yaml` (no template at all also generates).
 */
export function createTemplate(
  catalog: TemplateCatalog,
  template: string,
  runtime: string,
): { template: string } | { generateConfig: true } {
  if (template !== '') {
    if (catalog.existingTemplateDir(template)) return { template };
    const fallback = runtimeDefault(catalog, runtime);
    if (fallback) return { template: fallback };
  }
  return { generateConfig: true };
}

/** `<runtime>-default` when that template exists (a traversal runtime can only reach langgraph's). */
export function runtimeDefault(catalog: TemplateCatalog, runtime: string): string | undefined {
  const name = `${sanitizeRuntime(runtime)}-default`;
  return catalog.existingTemplateDir(name) ? name : undefined;
}
