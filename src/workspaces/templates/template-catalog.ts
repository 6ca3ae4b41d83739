import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { collectProvisionTimeouts } from './provision-timeouts';
import { TemplateSummary, toTemplateSummary } from './template-summary';
import { resolveInsideRoot } from '../../common/fs/contained-path';
import { walkTemplateConfigs } from './template-walker';

/**
 * The workspace templates under `CONFIGS_DIR`. The listing is read fresh on every call; the
 * per-runtime provision timeouts are read once per app instance (a template change needs a
 * restart to reach the `provision_timeout_ms` hint, as in the reference).
 */
@Injectable()
export class TemplateCatalog {
  private provisionTimeouts?: ReadonlyMap<string, number>;

  constructor(private readonly config: AppConfig) {}

  /** The `GET /templates` body. */
  list(): TemplateSummary[] {
    return walkTemplateConfigs(this.config.configsDir).flatMap(({ id, config }) => {
      const summary = toTemplateSummary(id, config);
      return summary ? [summary] : [];
    });
  }

  /** The template directory for a `template` request field, or null if it leaves the root. */
  resolveTemplateDir(template: string): string | null {
    return resolveInsideRoot(this.config.configsDir, template);
  }

  /**
   * The template directory of a workspace by its name (spec 04 §4.10): the directory named
   * after it (lower case, spaces → `-`), else the first (not `ws-*`) whose `config.yaml`
   * `name` equals it, case-insensitively. Null when none matches.
   */
  findByWorkspaceName(name: string): string | null {
    const slug = name.toLowerCase().replace(/ /g, '-');
    const templates = walkTemplateConfigs(this.config.configsDir);
    const byDir = templates.find((t) => t.id === slug);
    const byName = templates.find((t) => {
      if (t.id.startsWith('ws-')) return false;
      const declared = (t.config as { name?: unknown } | null)?.name;
      return typeof declared === 'string' && declared.toLowerCase() === name.toLowerCase();
    });
    const match = byDir ?? byName;
    return match ? resolveInsideRoot(this.config.configsDir, match.id) : null;
  }

  /** `provision_timeout_ms` for a workspace of this runtime, when a template declares one. */
  provisionTimeoutMs(runtime: string): number | undefined {
    this.provisionTimeouts ??= collectProvisionTimeouts(
      walkTemplateConfigs(this.config.configsDir),
    );
    const seconds = this.provisionTimeouts.get(runtime);
    return seconds === undefined ? undefined : seconds * 1000;
  }
}
