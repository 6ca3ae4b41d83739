import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SecretCipher } from '../../common/crypto/secret-cipher';
import { badRequest, internalError } from '../../common/http/api-error';
import { Database, Queryable } from '../../database/database.service';
import { EventEmitter } from '../../events/event-emitter.port';
import { ProvisioningService } from '../provisioning/provisioning.service';
import { SecretsRepository } from '../secrets/secrets.repository';
import { scanTemplateDefaults } from '../templates/template-defaults';
import { WorkspaceRepository } from '../workspace.repository';
import { Bundle, BundleError, parseBundle } from './bundle';
import { MODEL_SECRET } from './bundle-export.service';
import { BundleRepository } from './bundle.repository';

/** One node of the import result tree (spec 01 §4.2). */
export interface BundleImportResult {
  workspace_id: string;
  name: string;
  status: 'provisioning' | 'failed';
  children?: BundleImportResult[];
}

interface PlannedNode {
  readonly id: string;
  readonly parentId: string | null;
  readonly bundle: Bundle;
  readonly runtime: string;
  /** Only when the bundle's model is an override of what its `config.yaml` says. */
  readonly modelOverride: string;
  readonly configFiles: Record<string, string>;
}

/**
 * `POST /bundles/import` (spec 01 §4.2): the bundle's tree as new workspaces with fresh ids,
 * written in one transaction — name, role, tier, runtime, the model override, the agent card
 * (the reference dropped it) and the source bundle id — then announced and provisioned with
 * the bundle's files as their `/configs`.
 */
@Injectable()
export class BundleImportService {
  private readonly logger = new Logger(BundleImportService.name);

  constructor(
    private readonly db: Database,
    private readonly workspaces: WorkspaceRepository,
    private readonly bundles: BundleRepository,
    private readonly secrets: SecretsRepository,
    private readonly cipher: SecretCipher,
    private readonly events: EventEmitter,
    private readonly provisioning: ProvisioningService,
  ) {}

  async import(body: unknown): Promise<BundleImportResult> {
    let bundle: Bundle;
    try {
      bundle = parseBundle(body);
    } catch (err) {
      if (!(err instanceof BundleError)) throw err;
      this.logger.warn(`invalid bundle: ${err.message}`);
      throw badRequest('invalid bundle');
    }
    const planned: PlannedNode[] = [];
    plan(bundle, null, planned);

    try {
      await this.db.transaction(async (tx) => {
        for (const node of planned) await this.write(tx, node);
      });
    } catch (err) {
      this.logger.error({ err }, 'bundle import failed');
      throw internalError('failed to import bundle');
    }

    for (const node of planned) {
      await this.events.recordAndBroadcast('WORKSPACE_PROVISIONING', node.id, {
        name: node.bundle.name,
        tier: node.bundle.tier,
        source_bundle_id: node.bundle.id,
      });
    }
    const statuses = new Map<string, BundleImportResult['status']>();
    for (const node of planned) statuses.set(node.id, await this.provision(node));
    return resultTree(planned, statuses, planned[0]);
  }

  private async write(tx: Queryable, node: PlannedNode): Promise<void> {
    await this.workspaces.insert(
      tx,
      {
        id: node.id,
        name: node.bundle.name,
        role: node.bundle.description || null,
        tier: node.bundle.tier,
        runtime: node.runtime,
        awarenessNamespace: `workspace:${node.id}`,
        parentId: node.parentId,
        workspaceDir: null,
        workspaceAccess: 'none',
        budgetLimit: null,
        maxConcurrentTasks: 1,
        status: 'provisioning',
        url: null,
      },
      { x: 0, y: 0 },
    );
    await this.bundles.markImported(tx, node.id, node.bundle.id, node.bundle.agent_card);
    if (node.modelOverride !== '') {
      const sealed = {
        bytes: this.cipher.encrypt(node.modelOverride),
        version: this.cipher.currentVersion,
      };
      await this.secrets.upsertWorkspace(node.id, MODEL_SECRET, sealed, tx);
    }
  }

  private async provision(node: PlannedNode): Promise<BundleImportResult['status']> {
    try {
      return await this.provisioning.provisionNew({
        workspaceId: node.id,
        name: node.bundle.name,
        tier: node.bundle.tier,
        runtime: node.runtime,
        model: node.bundle.model,
        template: '',
        configFiles: node.configFiles,
      });
    } catch (err) {
      this.logger.error(
        { err, workspaceId: node.id },
        'bundle import: provisioning failed to start',
      );
      return 'failed';
    }
  }
}

function plan(bundle: Bundle, parentId: string | null, out: PlannedNode[]): void {
  const configYaml = bundle.prompts['config.yaml'];
  const declared = scanTemplateDefaults(configYaml ?? '');
  const id = randomUUID();
  out.push({
    id,
    parentId,
    bundle,
    runtime: bundle.runtime || unquote(declared.runtime ?? '') || 'langgraph',
    modelOverride: bundle.model !== '' && bundle.model !== declared.model ? bundle.model : '',
    configFiles: configFilesOf(bundle),
  });
  for (const child of bundle.sub_workspaces) plan(child, id, out);
}

/** `system-prompt.md`, the prompt files and `skills/<id>/<path>` (paths checked on parse). */
function configFilesOf(bundle: Bundle): Record<string, string> {
  const files: Record<string, string> = { ...bundle.prompts };
  if (bundle.system_prompt !== '') files['system-prompt.md'] = bundle.system_prompt;
  for (const skill of bundle.skills) {
    for (const [relPath, content] of Object.entries(skill.files)) {
      files[`skills/${skill.id}/${relPath}`] = content;
    }
  }
  return files;
}

function unquote(value: string): string {
  return value.replace(/^["']|["']$/g, '');
}

function resultTree(
  planned: readonly PlannedNode[],
  statuses: ReadonlyMap<string, BundleImportResult['status']>,
  node: PlannedNode,
): BundleImportResult {
  const children = planned
    .filter((candidate) => candidate.parentId === node.id)
    .map((child) => resultTree(planned, statuses, child));
  return {
    workspace_id: node.id,
    name: node.bundle.name,
    status: statuses.get(node.id) ?? 'failed',
    ...(children.length > 0 ? { children } : {}),
  };
}
