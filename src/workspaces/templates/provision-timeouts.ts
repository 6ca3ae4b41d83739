import { TemplateFieldError, intField, mappingField, stringField } from './template-fields';
import type { TemplateConfigFile } from './template-walker';

/**
 * runtime → `runtime_config.provision_timeout_seconds` declared by the templates. Templates
 * without a runtime or with a non-positive timeout are ignored; when several templates share
 * a runtime the largest timeout wins, so a slow template's banner is not cut short.
 */
export function collectProvisionTimeouts(
  templates: readonly TemplateConfigFile[],
): Map<string, number> {
  const timeouts = new Map<string, number>();
  for (const { config } of templates) {
    const declared = declaredTimeout(config);
    if (!declared || declared.runtime === '' || declared.seconds <= 0) continue;
    const previous = timeouts.get(declared.runtime) ?? 0;
    timeouts.set(declared.runtime, Math.max(previous, declared.seconds));
  }
  return timeouts;
}

// Reads only the two fields it needs, so a bad type elsewhere in the file does not hide it.
function declaredTimeout(config: unknown): { runtime: string; seconds: number } | null {
  try {
    const root = mappingField(config, 'config.yaml');
    const runtimeConfig = mappingField(root.runtime_config, 'runtime_config');
    return {
      runtime: stringField(root.runtime, 'runtime'),
      seconds: intField(runtimeConfig.provision_timeout_seconds, 'provision_timeout_seconds'),
    };
  } catch (error) {
    if (error instanceof TemplateFieldError) return null;
    throw error;
  }
}
