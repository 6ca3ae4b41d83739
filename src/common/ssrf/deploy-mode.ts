import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';

const STRICT_MODES = new Set(['self-hosted', 'selfhosted', 'standalone']);

export interface SaasModeDecision {
  readonly saas: boolean;
  /** Set when MOLECULE_DEPLOY_MODE held a value we do not know (treated as strict). */
  readonly unrecognised?: string;
}

/**
 * §11.1 ladder. An explicit deploy mode wins over the legacy org-id signal, and a value we
 * do not recognise falls closed: a typo must never enable the relaxed SaaS posture.
 */
export function decideSaasMode(deployMode: string, orgId: string): SaasModeDecision {
  const mode = deployMode.trim().toLowerCase();
  if (mode === 'saas') return { saas: true };
  if (STRICT_MODES.has(mode)) return { saas: false };
  if (mode !== '') return { saas: false, unrecognised: deployMode.trim() };
  return { saas: orgId.trim() !== '' };
}

/** The deployment posture the SSRF guards read; decided once per app from its config. */
@Injectable()
export class DeployMode {
  private readonly logger = new Logger(DeployMode.name);
  /** SaaS mode: sibling workspaces share the tenant's private network. */
  readonly isSaas: boolean;
  /** Dev mode (`MOLECULE_ENV` dev/development) — unlike the auth hatch, ADMIN_TOKEN is ignored. */
  readonly isDev: boolean;

  constructor(config: AppConfig) {
    const decision = decideSaasMode(config.deployMode, config.orgId);
    this.isSaas = decision.saas;
    this.isDev = config.isDevEnvironment;
    // Deciding once at construction is what makes the warning once-per-instance.
    if (decision.unrecognised !== undefined) {
      this.logger.warn(
        { deployMode: decision.unrecognised },
        `unrecognised MOLECULE_DEPLOY_MODE "${decision.unrecognised}"; using strict (self-hosted) SSRF rules`,
      );
    }
  }
}
