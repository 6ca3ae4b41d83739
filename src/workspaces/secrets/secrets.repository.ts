import { Injectable } from '@nestjs/common';
import { Database, PgError, pgErrorCode, Queryable, sql } from '../../database/database.service';

/** A secret as listed: never its value. */
export interface SecretMetaRow {
  key: string;
  created_at: Date | null;
  updated_at: Date | null;
}

/** A secret as stored: bytes to decrypt according to `encryption_version`. */
export interface SecretValueRow {
  key: string;
  encrypted_value: Buffer;
  encryption_version: number;
}

/** Bytes plus the version they were written with; both are rewritten on every save. */
export interface SealedValue {
  bytes: Buffer;
  version: number;
}

const WORKSPACE_META = sql(
  'secrets.workspace_meta',
  `SELECT key, created_at, updated_at FROM workspace_secrets WHERE workspace_id = $1 ORDER BY key`,
);
const GLOBAL_META = sql(
  'secrets.global_meta',
  `SELECT key, created_at, updated_at FROM global_secrets ORDER BY key`,
);
const WORKSPACE_VALUES = sql(
  'secrets.workspace_values',
  `SELECT key, encrypted_value, encryption_version FROM workspace_secrets
    WHERE workspace_id = $1 ORDER BY key`,
);
const GLOBAL_VALUES = sql(
  'secrets.global_values',
  `SELECT key, encrypted_value, encryption_version FROM global_secrets ORDER BY key`,
);
const WORKSPACE_VALUE = sql(
  'secrets.workspace_value',
  `SELECT key, encrypted_value, encryption_version FROM workspace_secrets
    WHERE workspace_id = $1 AND key = $2`,
);
// Inserting through a SELECT on `workspaces` writes nothing for an unknown workspace.
const UPSERT_WORKSPACE = sql(
  'secrets.upsert_workspace',
  `INSERT INTO workspace_secrets (workspace_id, key, encrypted_value, encryption_version)
   SELECT id, $2, $3, $4 FROM workspaces WHERE id = $1
   ON CONFLICT (workspace_id, key) DO UPDATE
     SET encrypted_value = EXCLUDED.encrypted_value,
         encryption_version = EXCLUDED.encryption_version,
         updated_at = now()`,
);
const DELETE_WORKSPACE = sql(
  'secrets.delete_workspace',
  `DELETE FROM workspace_secrets WHERE workspace_id = $1 AND key = $2`,
);
const UPSERT_GLOBAL = sql(
  'secrets.upsert_global',
  `INSERT INTO global_secrets (key, encrypted_value, encryption_version) VALUES ($1, $2, $3)
   ON CONFLICT (key) DO UPDATE
     SET encrypted_value = EXCLUDED.encrypted_value,
         encryption_version = EXCLUDED.encryption_version,
         updated_at = now()`,
);
const DELETE_GLOBAL = sql('secrets.delete_global', `DELETE FROM global_secrets WHERE key = $1`);
// Workspaces that inherit a global key, and are running kinds a restart applies to.
const INHERITING_WORKSPACES = sql(
  'secrets.inheriting_workspaces',
  `SELECT w.id FROM workspaces w
    WHERE w.status NOT IN ('removed', 'paused')
      AND COALESCE(w.runtime, '') <> 'external'
      AND NOT EXISTS (
        SELECT 1 FROM workspace_secrets s WHERE s.workspace_id = w.id AND s.key = $1)
    ORDER BY w.id`,
);

/** SQL for `workspace_secrets` and `global_secrets`. Callers pass canonical UUIDs. */
@Injectable()
export class SecretsRepository {
  constructor(private readonly db: Database) {}

  workspaceMeta(workspaceId: string): Promise<SecretMetaRow[]> {
    return this.db.query<SecretMetaRow>(WORKSPACE_META, [workspaceId]);
  }

  globalMeta(): Promise<SecretMetaRow[]> {
    return this.db.query<SecretMetaRow>(GLOBAL_META);
  }

  workspaceValues(workspaceId: string): Promise<SecretValueRow[]> {
    return this.db.query<SecretValueRow>(WORKSPACE_VALUES, [workspaceId]);
  }

  globalValues(): Promise<SecretValueRow[]> {
    return this.db.query<SecretValueRow>(GLOBAL_VALUES);
  }

  workspaceValue(workspaceId: string, key: string): Promise<SecretValueRow | undefined> {
    return this.db.one<SecretValueRow>(WORKSPACE_VALUE, [workspaceId, key]);
  }

  /** False when the workspace does not exist (nothing is written). */
  async upsertWorkspace(
    workspaceId: string,
    key: string,
    value: SealedValue,
    tx: Queryable = this.db,
  ): Promise<boolean> {
    try {
      const rows = await tx.execute(UPSERT_WORKSPACE, [
        workspaceId,
        key,
        value.bytes,
        value.version,
      ]);
      return rows > 0;
    } catch (err) {
      // The workspace row vanished between the SELECT and the insert.
      if (pgErrorCode(err) === PgError.foreignKeyViolation) return false;
      throw err;
    }
  }

  /** True when a row was deleted. */
  async deleteWorkspace(workspaceId: string, key: string): Promise<boolean> {
    return (await this.db.execute(DELETE_WORKSPACE, [workspaceId, key])) > 0;
  }

  async upsertGlobal(key: string, value: SealedValue): Promise<void> {
    await this.db.execute(UPSERT_GLOBAL, [key, value.bytes, value.version]);
  }

  /** True when a row was deleted. */
  async deleteGlobal(key: string): Promise<boolean> {
    return (await this.db.execute(DELETE_GLOBAL, [key])) > 0;
  }

  /** Ids of live, non-paused, non-external workspaces without their own `key`. */
  async workspacesInheriting(key: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(INHERITING_WORKSPACES, [key]);
    return rows.map((row) => row.id);
  }
}
