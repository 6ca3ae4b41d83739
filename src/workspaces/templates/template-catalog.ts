import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import * as path from 'node:path';
import { collectProvisionTimeouts } from './provision-timeouts';
import { findTemplateByName, isDirectory } from './template-lookup';
import { TemplateSummary, toTemplateSummary } from './template-summary';
import { resolveInsideRoot } from '../../common/fs/contained-path';
import { walkTemplateConfigs } from './template-walker';

const ORG_TEMPLATES = 'org-templates';

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
    const template = this.templateFor(name);
    return template === undefined ? null : resolveInsideRoot(this.config.configsDir, template);
  }

  /** The same lookup, as a template name (relative to the root) to store or answer. */
  templateFor(workspaceName: string): string | undefined {
    return findTemplateByName(this.config.configsDir, workspaceName);
  }

  /** The org template meant for a workspace of this name: `org-templates/<dir>`. */
  findOrgTemplate(name: string): string | undefined {
    const dir = findTemplateByName(path.join(this.config.configsDir, ORG_TEMPLATES), name);
    return dir === undefined ? undefined : `${ORG_TEMPLATES}/${dir}`;
  }

  /** The directory of an existing template (relative to the root), or null if it is not one. */
  existingTemplateDir(template: string): string | null {
    const dir = this.resolveTemplateDir(template);
    return dir !== null && isDirectory(dir) ? dir : null;
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
