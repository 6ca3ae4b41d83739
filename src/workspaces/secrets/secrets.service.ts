import { Injectable, Logger } from '@nestjs/common';
import { SecretCipher } from '../../common/crypto/secret-cipher';
import { internalError, notFound } from '../../common/http/api-error';
import { orInternalError } from '../../common/http/or-internal-error';
import { RestartRequests } from '../lifecycle/restart-requests';
import {
  SealedValue,
  SecretMetaRow,
  SecretValueRow,
  SecretsRepository,
} from './secrets.repository';

export type SecretScope = 'workspace' | 'global';

/** One row of a secrets listing: metadata only, values never leave through it. */
export interface SecretListItem {
  key: string;
  has_value: true;
  scope: SecretScope;
  created_at: Date | null;
  updated_at: Date | null;
}

export interface DecryptFailure {
  scope: SecretScope;
  key: string;
  /** The cipher's reason; never contains key material or plaintext. */
  error: string;
}

/** Every secret a workspace sees, workspace values over global ones, plus what failed. */
export interface DecryptedSecrets {
  values: Map<string, string>;
  failures: DecryptFailure[];
}

export interface ModelSetting {
  model: string;
  source: 'default' | 'workspace_secrets';
}

/** The model override is stored as this workspace secret (so it is also in the env bundle). */
export const MODEL_SECRET_KEY = 'MODEL_PROVIDER';

/** Workspace and global secrets: encryption at rest, merge rules, restart requests. */
@Injectable()
export class SecretsService {
  private readonly logger = new Logger(SecretsService.name);

  constructor(
    private readonly repository: SecretsRepository,
    private readonly cipher: SecretCipher,
    private readonly restarts: RestartRequests,
  ) {}

  /** The workspace's own keys, then the global keys it inherits; each group by key. */
  async list(workspaceId: string): Promise<SecretListItem[]> {
    const own = await orInternalError(
      this.repository.workspaceMeta(workspaceId),
      'query failed',
      this.logger,
    );
    let globals: SecretMetaRow[] = [];
    try {
      globals = await this.repository.globalMeta();
    } catch (err) {
      // Parity: the workspace's own keys are still worth showing.
      this.logger.error({ err, workspaceId }, 'global secrets query failed; listing own keys only');
    }
    const ownKeys = new Set(own.map((row) => row.key));
    return [
      ...own.map((row) => listItem(row, 'workspace')),
      ...globals.filter((row) => !ownKeys.has(row.key)).map((row) => listItem(row, 'global')),
    ];
  }

  async set(workspaceId: string, key: string, value: string): Promise<void> {
    const sealed = this.seal(value, 'failed to encrypt secret');
    await this.saveForWorkspace(workspaceId, key, sealed, 'failed to save secret');
    this.restarts.request([workspaceId], 'workspace secret changed');
  }

  async remove(workspaceId: string, key: string): Promise<void> {
    const deleted = await orInternalError(
      this.repository.deleteWorkspace(workspaceId, key),
      'failed to delete secret',
      this.logger,
    );
    if (!deleted) throw notFound('secret not found');
    this.restarts.request([workspaceId], 'workspace secret changed');
  }

  /**
   * Decrypts everything the workspace inherits and owns. Query errors propagate; decrypt
   * failures are collected (globals first) so the caller decides what a partial result means.
   */
  async decryptAll(workspaceId: string): Promise<DecryptedSecrets> {
    const [globals, own] = await Promise.all([
      this.repository.globalValues(),
      this.repository.workspaceValues(workspaceId),
    ]);
    const result: DecryptedSecrets = { values: new Map(), failures: [] };
    this.decryptInto(result, globals, 'global');
    this.decryptInto(result, own, 'workspace');
    return result;
  }

  /** The flat env bundle an agent pulls; never partial. */
  async bundle(workspaceId: string): Promise<Record<string, string>> {
    const { values, failures } = await orInternalError(
      this.decryptAll(workspaceId),
      'failed to read secrets',
      this.logger,
    );
    if (failures.length > 0) {
      throw internalError(
        'one or more secrets failed to decrypt; refusing to return partial bundle',
        { failed_keys: failures.map((f) => `${f.scope}:${f.key}`) },
      );
    }
    // fromEntries defines own properties, so even a `__proto__` key survives.
    return Object.fromEntries(values);
  }

  async model(workspaceId: string): Promise<ModelSetting> {
    const row = await orInternalError(
      this.repository.workspaceValue(workspaceId, MODEL_SECRET_KEY),
      'query failed',
      this.logger,
    );
    if (!row) return { model: '', source: 'default' };
    try {
      return { model: this.decrypt(row), source: 'workspace_secrets' };
    } catch (err) {
      this.logger.error({ err, workspaceId }, 'model override failed to decrypt');
      throw internalError('failed to decrypt');
    }
  }

  /** An empty model clears the override. */
  async setModel(workspaceId: string, model: string): Promise<'saved' | 'cleared'> {
    if (model === '') {
      await orInternalError(
        this.repository.deleteWorkspace(workspaceId, MODEL_SECRET_KEY),
        'failed to clear model',
        this.logger,
      );
      this.restarts.request([workspaceId], 'model changed');
      return 'cleared';
    }
    const sealed = this.seal(model, 'failed to encrypt model');
    await this.saveForWorkspace(workspaceId, MODEL_SECRET_KEY, sealed, 'failed to save model');
    this.restarts.request([workspaceId], 'model changed');
    return 'saved';
  }

  async listGlobal(): Promise<SecretListItem[]> {
    const rows = await orInternalError(this.repository.globalMeta(), 'query failed', this.logger);
    return rows.map((row) => listItem(row, 'global'));
  }

  async setGlobal(key: string, value: string): Promise<void> {
    const sealed = this.seal(value, 'failed to encrypt');
    await orInternalError(this.repository.upsertGlobal(key, sealed), 'failed to save', this.logger);
    this.restartInheritors(key);
  }

  async removeGlobal(key: string): Promise<void> {
    const deleted = await orInternalError(
      this.repository.deleteGlobal(key),
      'failed to delete',
      this.logger,
    );
    if (!deleted) throw notFound('secret not found');
    this.restartInheritors(key);
  }

  private async saveForWorkspace(
    workspaceId: string,
    key: string,
    sealed: SealedValue,
    failure: string,
  ): Promise<void> {
    const saved = await orInternalError(
      this.repository.upsertWorkspace(workspaceId, key, sealed),
      failure,
      this.logger,
    );
    if (!saved) throw notFound('workspace not found');
  }

  /** Fire-and-forget: the change is already committed whatever happens here. */
  private restartInheritors(key: string): void {
    void this.repository.workspacesInheriting(key).then(
      (ids) => this.restarts.request(ids, 'global secret changed'),
      (err: unknown) => this.logger.error({ err, key }, 'could not select workspaces to restart'),
    );
  }

  private seal(value: string, failure: string): SealedValue {
    try {
      return { bytes: this.cipher.encrypt(value), version: this.cipher.currentVersion };
    } catch (err) {
      this.logger.error({ err }, failure);
      throw internalError(failure);
    }
  }

  private decryptInto(result: DecryptedSecrets, rows: SecretValueRow[], scope: SecretScope) {
    for (const row of rows) {
      try {
        result.values.set(row.key, this.decrypt(row));
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        // The key is safe to log; the bytes never are.
        this.logger.error({ scope, key: row.key, error }, 'secret failed to decrypt');
        result.failures.push({ scope, key: row.key, error });
      }
    }
  }

  private decrypt(row: SecretValueRow): string {
    return this.cipher.decryptVersioned(row.encrypted_value, row.encryption_version).toString();
  }
}

function listItem(row: SecretMetaRow, scope: SecretScope): SecretListItem {
  return {
    key: row.key,
    has_value: true,
    scope,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
