import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { WorkspaceTokens } from '../common/auth/workspace-tokens.service';
import { SecretCipher } from '../common/crypto/secret-cipher';
import { badRequest, internalError, notFound } from '../common/http/api-error';
import { orInternalError } from '../common/http/or-internal-error';
import { parseUuid } from '../common/http/uuid';
import { Database, PgError, pgErrorCode, Queryable } from '../database/database.service';
import { WorkspaceStatus } from '../database/entities';
import { EventEmitter } from '../events/event-emitter.port';
import { CreateWorkspaceDto } from './dto/create-workspace.dto';
import { externalConnection } from './external-connection';
import { memorySeeds } from './initial-memories';
import { ProvisioningService } from './provisioning/provisioning.service';
import { SecretsRepository } from './secrets/secrets.repository';
import { readTemplateDefaults } from './templates/template-defaults';
import { TemplateCatalog } from './templates/template-catalog';
import {
  isValidWorkspaceAccess,
  isValidWorkspaceDir,
  workspaceFieldError,
} from './workspace-fields';
import { toListItem, toPublicDetail } from './workspace-view';
import { WorkspaceRepository } from './workspace.repository';

const DEFAULT_TIER = 3;
const DEFAULT_RUNTIME = 'langgraph';

/** Workspace CRUD (spec 01 §3.1–§3.5): the rules; SQL is in WorkspaceRepository. */
@Injectable()
export class WorkspacesService {
  private readonly logger = new Logger(WorkspacesService.name);

  constructor(
    private readonly db: Database,
    private readonly workspaces: WorkspaceRepository,
    private readonly secrets: SecretsRepository,
    private readonly cipher: SecretCipher,
    private readonly tokens: WorkspaceTokens,
    private readonly templates: TemplateCatalog,
    private readonly provisioning: ProvisioningService,
    private readonly events: EventEmitter,
  ) {}

  async create(
    dto: CreateWorkspaceDto,
    platformUrl: () => string,
  ): Promise<Record<string, unknown>> {
    if (workspaceFieldError(dto)) throw badRequest('invalid workspace fields');
    const parentId = dto.parent_id == null ? null : parseUuid(dto.parent_id);
    if (dto.parent_id != null && !parentId) throw badRequest('invalid workspace payload');

    let runtime = dto.runtime ?? '';
    let model = dto.model ?? '';
    if (dto.template) {
      // Checked whether or not defaults are needed: a template outside the root is refused
      // before anything is written (the reference inserted the row first in one case).
      const dir = this.templates.resolveTemplateDir(dto.template);
      if (dir === null) throw badRequest('invalid template');
      if (runtime === '' || model === '') {
        const defaults = readTemplateDefaults(dir);
        runtime ||= defaults.runtime ?? '';
        model ||= defaults.model ?? '';
      }
    }
    runtime ||= DEFAULT_RUNTIME;

    const workspaceDir = dto.workspace_dir ?? '';
    if (workspaceDir !== '' && !isValidWorkspaceDir(workspaceDir))
      throw badRequest('invalid workspace directory');
    const access = dto.workspace_access ?? '';
    if (!isValidWorkspaceAccess(access, workspaceDir)) throw badRequest('invalid workspace access');

    const external = dto.external === true || runtime === 'external';
    const id = randomUUID();
    const name = dto.name;
    const tier = dto.tier || DEFAULT_TIER;
    const awarenessNamespace = `workspace:${id}`;
    const status: WorkspaceStatus = external
      ? dto.url
        ? 'online'
        : 'awaiting_agent'
      : 'provisioning';

    await this.db.transaction(async (tx) => {
      await this.insertRow(
        tx,
        {
          id,
          name,
          role: dto.role || null,
          tier,
          runtime: external ? 'external' : runtime,
          awarenessNamespace,
          parentId,
          workspaceDir: workspaceDir || null,
          workspaceAccess: access || 'none',
          budgetLimit: dto.budget_limit ?? null,
          maxConcurrentTasks:
            dto.max_concurrent_tasks && dto.max_concurrent_tasks > 0 ? dto.max_concurrent_tasks : 1,
          status,
          url: external && dto.url ? dto.url : null,
        },
        { x: dto.canvas?.x ?? 0, y: dto.canvas?.y ?? 0 },
      );
      for (const [key, value] of Object.entries(dto.secrets ?? {}))
        await this.storeSecret(tx, id, key, value);
      await this.seedMemories(tx, id, awarenessNamespace, dto.initial_memories);
    });

    await this.events.recordAndBroadcast('WORKSPACE_PROVISIONING', id, { name, tier, runtime });

    if (external && dto.url) {
      await this.events.recordAndBroadcast('WORKSPACE_ONLINE', id, { name, external: true });
      return { id, external: true, status: 'online' };
    }
    if (external) {
      const token = await this.tokens.issue(id).catch((err) => {
        this.logger.error({ err, workspaceId: id }, 'could not mint the external workspace token');
        return '';
      });
      await this.events.recordAndBroadcast('WORKSPACE_AWAITING_AGENT', id, {
        name,
        external: true,
      });
      return {
        id,
        external: true,
        status: 'awaiting_agent',
        connection: externalConnection(platformUrl(), id, token),
      };
    }

    const outcome = await this.provisioning.provisionNew({
      workspaceId: id,
      name,
      tier,
      runtime,
      template: dto.template ?? '',
      model,
    });
    return {
      id,
      status: outcome,
      awareness_namespace: awarenessNamespace,
      workspace_access: access || 'none',
    };
  }

  async list(): Promise<Record<string, unknown>[]> {
    const rows = await orInternalError(this.workspaces.list(), 'query failed', this.logger);
    return rows.map((row) =>
      toListItem(row, this.templates.provisionTimeoutMs(row.runtime || DEFAULT_RUNTIME)),
    );
  }

  async get(id: string): Promise<Record<string, unknown>> {
    const row = await orInternalError(this.workspaces.get(id), 'query failed', this.logger);
    if (!row) throw notFound('workspace not found');
    return toPublicDetail(row, this.templates.provisionTimeoutMs(row.runtime || DEFAULT_RUNTIME));
  }

  private async insertRow(
    tx: Queryable,
    row: Parameters<WorkspaceRepository['insert']>[1],
    position: { x: number; y: number },
  ): Promise<void> {
    try {
      await this.workspaces.insert(tx, row, position);
    } catch (err) {
      if (pgErrorCode(err) === PgError.foreignKeyViolation)
        throw badRequest('parent workspace not found');
      this.logger.error({ err }, 'workspace insert failed');
      throw internalError('failed to create workspace');
    }
  }

  /**
   * Seeds `initial_memories` in the create transaction: a workspace never comes into being
   * without the memories it was created with (the reference logged the failure and went on).
   */
  private async seedMemories(
    tx: Queryable,
    id: string,
    namespace: string,
    initialMemories: readonly unknown[] | undefined,
  ): Promise<void> {
    try {
      await this.workspaces.seedMemories(tx, id, namespace, memorySeeds(initialMemories));
    } catch (err) {
      this.logger.error({ err, workspaceId: id }, 'seeding initial memories failed');
      throw internalError('failed to create workspace');
    }
  }

  private async storeSecret(
    tx: Queryable,
    workspaceId: string,
    key: string,
    value: string,
  ): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = this.cipher.encrypt(value);
    } catch (err) {
      this.logger.error({ err, key }, 'secret encryption failed');
      throw internalError(`failed to encrypt secret: ${key}`);
    }
    try {
      await this.secrets.upsertWorkspace(
        workspaceId,
        key,
        { bytes, version: this.cipher.currentVersion },
        tx,
      );
    } catch (err) {
      this.logger.error({ err, key }, 'secret write failed');
      throw internalError(`failed to save secret: ${key}`);
    }
  }
}
