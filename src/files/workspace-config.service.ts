import { Injectable, Logger } from '@nestjs/common';
import { badRequest, internalError, notFound } from '../common/http/api-error';
import { PgError, pgErrorCode } from '../database/database.service';
import { WorkspaceConfigRepository } from './workspace-config.repository';

/** `GET` / `PATCH /workspaces/:id/config` (spec 07 §9). */
@Injectable()
export class WorkspaceConfigService {
  private readonly logger = new Logger(WorkspaceConfigService.name);

  constructor(private readonly configs: WorkspaceConfigRepository) {}

  async get(workspaceId: string): Promise<{ data: unknown }> {
    let data: unknown;
    try {
      data = await this.configs.get(workspaceId);
    } catch (err) {
      this.logger.error({ err, workspaceId }, 'workspace config read failed');
      throw internalError('query failed');
    }
    if (data === undefined) throw notFound('workspace not found');
    return { data: data ?? {} };
  }

  /** `patch` is the JSON text of an object; its top-level keys replace the stored ones. */
  async merge(workspaceId: string, patch: string): Promise<void> {
    let merged: boolean;
    try {
      merged = await this.configs.merge(workspaceId, patch);
    } catch (err) {
      // A workspace deleted between the existence check and the insert.
      const code = pgErrorCode(err);
      if (code === PgError.foreignKeyViolation) throw notFound('workspace not found');
      // JSON that PostgreSQL cannot store (a \u0000 escape).
      if (code === PgError.untranslatableCharacter) throw badRequest('invalid JSON');
      this.logger.error({ err, workspaceId }, 'workspace config update failed');
      throw internalError('failed to update config');
    }
    if (!merged) throw notFound('workspace not found');
  }
}
