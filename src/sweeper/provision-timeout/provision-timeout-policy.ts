import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { TemplateCatalog } from '../../workspaces/templates/template-catalog';

export const DEFAULT_PROVISION_TIMEOUT_SECONDS = 600;
/** hermes installs its toolchain on first boot (spec 02 §12.4). */
export const HERMES_PROVISION_TIMEOUT_SECONDS = 1800;

const DEFAULT_RUNTIME = 'langgraph';

/**
 * How long a workspace of a runtime may stay `provisioning`: `PROVISION_TIMEOUT_SECONDS`
 * for every runtime when set; else the largest `runtime_config.provision_timeout_seconds`
 * of the runtime's templates — the same value the canvas gets as `provision_timeout_ms`,
 * so its "taking long" banner and the sweep agree; else 30 min for hermes, 10 for the rest.
 */
@Injectable()
export class ProvisionTimeoutPolicy {
  constructor(
    private readonly config: AppConfig,
    private readonly templates: TemplateCatalog,
  ) {}

  timeoutSeconds(runtime: string): number {
    if (this.config.provisionTimeoutOverrideSeconds !== undefined) {
      return this.config.provisionTimeoutOverrideSeconds;
    }
    const fromTemplates = this.templates.provisionTimeoutMs(runtime || DEFAULT_RUNTIME);
    if (fromTemplates !== undefined) return fromTemplates / 1000;
    return runtime === 'hermes'
      ? HERMES_PROVISION_TIMEOUT_SECONDS
      : DEFAULT_PROVISION_TIMEOUT_SECONDS;
  }
}
