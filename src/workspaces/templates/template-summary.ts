import {
  TemplateFieldError,
  intField,
  listField,
  mappingField,
  stringField,
  stringListField,
} from './template-fields';

export interface TemplateModel {
  id: string;
  name?: string;
  required_env?: string[];
}

/** One element of the `GET /templates` array; optional keys are omitted, never null. */
export interface TemplateSummary {
  id: string;
  name: string;
  description: string;
  tier: number;
  runtime: string;
  model: string;
  models?: TemplateModel[];
  required_env?: string[];
  skills: string[] | null;
  skill_count: number;
  provision_timeout_seconds?: number;
}

/** The wire summary of a template, or null when a field has the wrong type. */
export function toTemplateSummary(id: string, config: unknown): TemplateSummary | null {
  try {
    return summarize(id, config);
  } catch (error) {
    if (error instanceof TemplateFieldError) return null;
    throw error;
  }
}

function summarize(id: string, config: unknown): TemplateSummary {
  const root = mappingField(config, 'config.yaml');
  const runtimeConfig = mappingField(root.runtime_config, 'runtime_config');
  const skills = stringListField(root.skills, 'skills');
  const models = (listField(runtimeConfig.models, 'runtime_config.models') ?? []).map(toModel);
  const requiredEnv = stringListField(runtimeConfig.required_env, 'runtime_config.required_env');
  const timeout = intField(
    runtimeConfig.provision_timeout_seconds,
    'runtime_config.provision_timeout_seconds',
  );

  return {
    id,
    name: stringField(root.name, 'name'),
    description: stringField(root.description, 'description'),
    tier: intField(root.tier, 'tier'),
    runtime: stringField(root.runtime, 'runtime'),
    model:
      stringField(root.model, 'model') || stringField(runtimeConfig.model, 'runtime_config.model'),
    ...(models.length > 0 ? { models } : {}),
    ...(requiredEnv?.length ? { required_env: requiredEnv } : {}),
    skills,
    skill_count: skills?.length ?? 0,
    ...(timeout !== 0 ? { provision_timeout_seconds: timeout } : {}),
  };
}

function toModel(value: unknown): TemplateModel {
  const entry = mappingField(value, 'runtime_config.models[]');
  const name = stringField(entry.name, 'runtime_config.models[].name');
  const requiredEnv = stringListField(entry.required_env, 'runtime_config.models[].required_env');
  return {
    id: stringField(entry.id, 'runtime_config.models[].id'),
    ...(name !== '' ? { name } : {}),
    ...(requiredEnv?.length ? { required_env: requiredEnv } : {}),
  };
}
