import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { within } from '../../common/clock/within';
import { Provisioner } from '../../provisioner/provisioner.port';
import { ProvisionOptions } from '../lifecycle/provision-options';
import { TemplateCatalog } from '../templates/template-catalog';
import { generateDefaultConfig, sanitizeRuntime } from '../templates/default-config';
import { hasConfigFile } from '../templates/template-lookup';
import { emptyConfigVolumeMessage } from './provision-failures';
import { missingEnvMessage, missingRequiredEnv } from './required-env';

/** A failed provision's user-facing outcome: `last_sample_error` and the event payload. */
export interface ProvisionFailure {
  readonly sampleError: string;
  readonly event: Record<string, unknown>;
}

export type ConfigSource =
  | {
      readonly ok: true;
      readonly templatePath?: string;
      readonly configFiles: Record<string, string>;
    }
  | { readonly ok: false; readonly failure: ProvisionFailure };

export interface ConfigSourceInput {
  readonly workspaceId: string;
  readonly name: string;
  readonly role: string | null;
  readonly tier: number;
  readonly runtime: string;
  readonly options: ProvisionOptions;
  readonly env: Readonly<Record<string, string>>;
}

const VOLUME_PROBE_TIMEOUT_MS = 30_000;

/**
 * What a Docker provision puts into `/configs` (spec 04 §4.2 steps 6 and 8): the template
 * directory, the in-memory files (the generated `config.yaml` on create), the required-env
 * preflight of an in-memory `config.yaml`, and — when neither brings a `config.yaml` — the
 * check that the existing config volume has one, recovering from `<runtime>-default` when not.
 */
@Injectable()
export class ConfigSources {
  private readonly logger = new Logger(ConfigSources.name);

  constructor(
    private readonly catalog: TemplateCatalog,
    private readonly clock: Clock,
  ) {}

  async resolve(input: ConfigSourceInput, docker: Provisioner): Promise<ConfigSource> {
    const { options } = input;
    let templatePath: string | undefined;
    if (options.template) {
      templatePath = this.catalog.existingTemplateDir(options.template) ?? undefined;
      if (!templatePath) {
        this.logger.warn(
          { workspaceId: input.workspaceId },
          'the requested template is gone; using the existing config volume',
        );
      }
    }
    const configFiles: Record<string, string> = { ...options.configFiles };
    if (options.generateConfig && !configFiles['config.yaml']) {
      configFiles['config.yaml'] = generateDefaultConfig({
        name: input.name,
        role: input.role ?? '',
        tier: input.tier,
        runtime: input.runtime,
        model: options.model ?? '',
      });
    }

    const missing = missingRequiredEnv(configFiles['config.yaml'], input.env);
    if (missing.length > 0) {
      const message = missingEnvMessage(missing);
      return { ok: false, failure: { sampleError: message, event: { error: message, missing } } };
    }
    if ((templatePath && hasConfigFile(templatePath)) || configFiles['config.yaml']) {
      return { ok: true, templatePath, configFiles };
    }
    if (await this.volumeHasConfig(input.workspaceId, docker)) {
      return { ok: true, templatePath, configFiles };
    }
    const runtime = sanitizeRuntime(input.runtime);
    for (const candidate of [`${runtime}-default`, runtime]) {
      const recovered = this.catalog.existingTemplateDir(candidate);
      if (recovered) {
        this.logger.log(
          { workspaceId: input.workspaceId, template: candidate },
          'empty config volume: provisioning from the runtime template',
        );
        return { ok: true, templatePath: recovered, configFiles };
      }
    }
    const message = emptyConfigVolumeMessage(input.workspaceId);
    return { ok: false, failure: { sampleError: message, event: { error: message } } };
  }

  /** A probe that fails is logged and the provision goes ahead as it is (spec 04 §4.5). */
  private async volumeHasConfig(workspaceId: string, docker: Provisioner): Promise<boolean> {
    try {
      return await within(
        this.clock,
        docker.configVolumeHasFile(workspaceId, 'config.yaml'),
        VOLUME_PROBE_TIMEOUT_MS,
      );
    } catch (err) {
      this.logger.warn({ workspaceId, err: String(err) }, 'config volume probe failed');
      return true;
    }
  }
}
