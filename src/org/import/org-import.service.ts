import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Clock } from '../../common/clock/clock';
import { SecretCipher } from '../../common/crypto/secret-cipher';
import { resolveRealInsideRoot } from '../../common/fs/contained-path';
import { ApiError, badRequest, internalError, notFound } from '../../common/http/api-error';
import { AppConfig } from '../../config/app-config';
import { Database, Queryable } from '../../database/database.service';
import { EventEmitter } from '../../events/event-emitter.port';
import { ProvisioningService } from '../../workspaces/provisioning/provisioning.service';
import { SecretsRepository } from '../../workspaces/secrets/secrets.repository';
import { WorkspaceRepository } from '../../workspaces/workspace.repository';
import { collectOrgEnv, isSatisfied, toEnvJson } from '../templates/env-requirements';
import { decodeOrgTemplate, OrgTemplate, OrgTemplateError } from '../templates/org-template';
import { OrgTemplateLocation } from '../templates/org-template-location';
import {
  assertTemplateNesting,
  loadOrgYaml,
  OrgYamlError,
  OrgYamlMissingError,
} from '../templates/org-yaml';
import { OrgImportDto } from './dto/org-import.dto';
import { OrgPlanError, planOrgImport, PlannedWorkspace } from './org-import-plan';
import { GLOBAL_KEY_CAP, OrgImportRepository } from './org-import.repository';

export interface OrgImportResult {
  org: string;
  workspaces: { id: string; name: string; tier: number }[];
  count: number;
}

/** What the reference provisioned at once; the rest wait their turn. */
const PROVISION_CONCURRENCY = 3;

const ENV_SUGGESTION = 'set these as global secrets (POST /settings/secrets) before importing';

/**
 * `POST /org/import` (spec 05 §6.7): load the template (directory or inline), refuse it while
 * a required variable is missing from the global secrets (412 — there is no bypass), plan
 * the whole tree, write every row in one transaction, then announce and provision. A
 * failure at any point leaves nothing behind.
 */
@Injectable()
export class OrgImportService {
  private readonly logger = new Logger(OrgImportService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly location: OrgTemplateLocation,
    private readonly db: Database,
    private readonly imports: OrgImportRepository,
    private readonly workspaces: WorkspaceRepository,
    private readonly secrets: SecretsRepository,
    private readonly cipher: SecretCipher,
    private readonly events: EventEmitter,
    private readonly provisioning: ProvisioningService,
    private readonly clock: Clock,
  ) {}

  async import(body: OrgImportDto): Promise<OrgImportResult> {
    const { template, orgBaseDir } = this.loadTemplate(body);
    await this.preflight(template);

    const failed = (status: 400 | 500, error: string) =>
      new ApiError(status, { error, org: template.name, workspaces: [], count: 0 });
    let planned: PlannedWorkspace[];
    try {
      planned = await planOrgImport(template, {
        orgBaseDir,
        configsDir: this.config.configsDir,
        pluginsDir: this.config.pluginsDir,
        maxTreeBytes: this.config.pluginInstallMaxDirBytes,
        env: process.env,
        now: this.clock.now(),
        newId: randomUUID,
      });
    } catch (err) {
      if (err instanceof OrgPlanError) throw failed(400, err.message);
      throw err;
    }

    let current = '';
    try {
      await this.db.transaction(async (tx) => {
        for (const workspace of planned) {
          current = workspace.name;
          await this.write(tx, workspace);
        }
      });
    } catch (err) {
      this.logger.error({ err, org: template.name, workspace: current }, 'org import failed');
      throw failed(500, `failed to create ${current}`);
    }

    await this.announce(planned);
    void this.provisionAll(planned.filter((w) => !w.external));
    return {
      org: template.name,
      workspaces: planned.map((w) => ({ id: w.id, name: w.name, tier: w.tier })),
      count: planned.length,
    };
  }

  /** `dir` (takes precedence) or an inline `template`; `force` and other keys are ignored. */
  private loadTemplate(body: OrgImportDto): {
    template: OrgTemplate;
    orgBaseDir: string | null;
  } {
    const { dir, template } = body;
    if (dir) {
      const templateDir = resolveRealInsideRoot(this.location.dir, dir);
      if (templateDir === null) throw badRequest('invalid org directory');
      let value: unknown;
      try {
        value = loadOrgYaml(templateDir, 'org.yaml');
      } catch (err) {
        if (err instanceof OrgYamlMissingError) throw notFound('org template not found');
        if (!(err instanceof OrgYamlError)) throw err;
        this.logger.warn(`org template "${dir}": ${err.message}`);
        throw badRequest('org template expansion failed');
      }
      return {
        template: this.decode(value, 'invalid org template'),
        orgBaseDir: path.resolve(templateDir),
      };
    }
    if (template) {
      // Inline templates are part of the body: a bad shape is a bad body, as in the reference.
      try {
        assertTemplateNesting(template);
      } catch (err) {
        if (err instanceof OrgYamlError) throw badRequest('invalid request body');
        throw err;
      }
      const decoded = this.decode(template, 'invalid request body');
      if (decoded.name !== '') return { template: decoded, orgBaseDir: null };
    }
    throw badRequest("provide 'dir' or 'template'");
  }

  private decode(value: unknown, invalidMessage: string): OrgTemplate {
    try {
      return decodeOrgTemplate(value);
    } catch (err) {
      if (!(err instanceof OrgTemplateError)) throw err;
      this.logger.warn(`invalid org template: ${err.message}`);
      throw badRequest(invalidMessage);
    }
  }

  /** Every required variable must be a non-empty global secret (412 otherwise; fail closed). */
  private async preflight(template: OrgTemplate): Promise<void> {
    const { required } = collectOrgEnv(template);
    if (required.length === 0) return;
    let available: Set<string>;
    try {
      const { keys, truncated } = await this.imports.globalSecretKeys();
      if (truncated)
        this.logger.warn(`preflight read only the first ${GLOBAL_KEY_CAP} global secrets`);
      available = keys;
    } catch (err) {
      this.logger.error({ err }, 'required-env preflight lookup failed');
      throw internalError('could not verify required environment variables; try again');
    }
    const missing = required.filter((r) => !isSatisfied(r, available));
    if (missing.length === 0) return;
    throw new ApiError(412, {
      error: 'missing required environment variables',
      missing_env: missing.map(toEnvJson),
      required_env: required.map(toEnvJson),
      template: template.name,
      suggestion: ENV_SUGGESTION,
    });
  }

  private async write(tx: Queryable, w: PlannedWorkspace): Promise<void> {
    const awarenessNamespace = `workspace:${w.id}`;
    await this.workspaces.insert(
      tx,
      {
        id: w.id,
        name: w.name,
        role: w.role,
        tier: w.tier,
        runtime: w.runtime,
        awarenessNamespace,
        parentId: w.parentId,
        workspaceDir: w.workspaceDir,
        workspaceAccess: w.workspaceAccess,
        budgetLimit: null,
        maxConcurrentTasks: w.maxConcurrentTasks,
        status: w.external ? 'online' : 'provisioning',
        url: w.external ? w.url : null,
      },
      w.position,
    );
    for (const [key, value] of Object.entries(w.secrets)) {
      const sealed = { bytes: this.cipher.encrypt(value), version: this.cipher.currentVersion };
      await this.secrets.upsertWorkspace(w.id, key, sealed, tx);
    }
    for (const schedule of w.schedules)
      await this.imports.upsertTemplateSchedule(tx, w.id, schedule);
    await this.workspaces.seedMemories(tx, w.id, awarenessNamespace, w.memories);
  }

  /** Parents before children; positions relative to the parent, as the canvas nests them. */
  private async announce(planned: readonly PlannedWorkspace[]): Promise<void> {
    for (const w of planned) {
      await this.events.recordAndBroadcast('WORKSPACE_PROVISIONING', w.id, {
        name: w.name,
        tier: w.tier,
        runtime: w.runtime,
        x: w.relativePosition.x,
        y: w.relativePosition.y,
        ...(w.parentId ? { parent_id: w.parentId } : {}),
      });
      if (w.external) {
        await this.events.recordAndBroadcast('WORKSPACE_ONLINE', w.id, {
          name: w.name,
          external: true,
        });
      }
    }
  }

  /** After the commit, a few at a time; each outcome is the provisioning flow's to record. */
  private async provisionAll(planned: readonly PlannedWorkspace[]): Promise<void> {
    const queue = [...planned];
    const worker = async () => {
      for (let w = queue.shift(); w; w = queue.shift()) {
        await this.provisioning
          .provisionNew({
            workspaceId: w.id,
            name: w.name,
            tier: w.tier,
            runtime: w.runtime,
            model: w.model,
            template: w.template,
            configFiles: w.configFiles,
          })
          .catch((err: unknown) => {
            this.logger.error(
              { err, workspaceId: w!.id },
              'org import: provisioning failed to start',
            );
          });
      }
    };
    await Promise.all(Array.from({ length: PROVISION_CONCURRENCY }, worker));
  }
}
