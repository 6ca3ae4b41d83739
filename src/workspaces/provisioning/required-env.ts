import { Logger } from '@nestjs/common';
import { parseDocument } from 'yaml';
import { goQuote } from '../../common/text/go-quote';

const logger = new Logger('Provisioning');

/**
 * The `runtime_config.required_env` names of an in-memory `config.yaml` that the env lacks
 * (absent or empty) — spec 04 §4.4. Malformed YAML checks nothing (a warning is logged).
 */
export function missingRequiredEnv(
  configYaml: string | undefined,
  env: Readonly<Record<string, string>>,
): string[] {
  if (configYaml === undefined || configYaml === '') return [];
  const document = parseDocument(configYaml);
  if (document.errors.length > 0) {
    logger.warn('config.yaml does not parse; the required-env preflight is skipped');
    return [];
  }
  const config = document.toJS() as unknown;
  const required = (config as { runtime_config?: { required_env?: unknown } } | null)
    ?.runtime_config?.required_env;
  if (!Array.isArray(required)) return [];
  return required
    .filter((name): name is string => typeof name === 'string' && name !== '')
    .filter((name) => !env[name]);
}

/** The user-facing message of a failed preflight (it names the variables, never values). */
export function missingEnvMessage(names: readonly string[]): string {
  if (names.length === 1) {
    return `missing required env var ${goQuote(names[0])} — add it under Config → Env Vars (or as a Global secret) and retry`;
  }
  return `missing required env vars ${names.join(', ')} — add them under Config → Env Vars (or as Global secrets) and retry`;
}
