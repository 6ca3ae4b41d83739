import { Injectable, Logger } from '@nestjs/common';
import { ApiError, badRequest, internalError, notFound } from '../common/http/api-error';
import { parseUuid } from '../common/http/uuid';
import { Database, PgError, pgErrorCode, Queryable } from '../database/database.service';
import { isValidWorkspaceDir, workspaceFieldError } from './workspace-fields';
import { WorkspaceRepository, WorkspaceUpdate } from './workspace.repository';

/** A validated PATCH: the column changes plus the canvas layout changes. */
interface PlannedUpdate {
  columns: WorkspaceUpdate;
  position?: { x: number; y: number };
  collapsed?: boolean;
  needsRestart: boolean;
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * `PATCH /workspaces/:id` (spec 01 §3.4). Unlike the reference — which applied each key
 * separately and swallowed failures — every key is type-checked first and all changes are
 * applied in one transaction: a bad key is a 400 and nothing is written.
 */
@Injectable()
export class WorkspaceUpdateService {
  private readonly logger = new Logger(WorkspaceUpdateService.name);

  constructor(
    private readonly db: Database,
    private readonly workspaces: WorkspaceRepository,
  ) {}

  async update(id: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const fieldError = workspaceFieldError({
      name: text(body.name),
      role: text(body.role),
      runtime: text(body.runtime),
    });
    if (fieldError) throw badRequest(fieldError);
    const plan = this.plan(body);

    if ((await this.workspaces.status(id).catch(() => undefined)) === undefined)
      throw notFound('workspace not found');

    try {
      await this.db.transaction(async (tx) => {
        if (plan.columns.parent_id)
          await this.checkParent(tx, id, plan.columns.parent_id as string);
        await this.workspaces.update(tx, id, plan.columns);
        if (plan.position)
          await this.workspaces.setPosition(tx, id, plan.position.x, plan.position.y);
        if (plan.collapsed !== undefined)
          await this.workspaces.setCollapsed(tx, id, plan.collapsed);
      });
    } catch (err) {
      if (err instanceof ApiError) throw err;
      // The parent was purged between the check and the write.
      if (pgErrorCode(err) === PgError.foreignKeyViolation)
        throw badRequest('parent workspace not found');
      this.logger.error({ err, workspaceId: id }, 'workspace update failed');
      throw internalError('update failed');
    }
    return plan.needsRestart ? { status: 'updated', needs_restart: true } : { status: 'updated' };
  }

  private plan(body: Record<string, unknown>): PlannedUpdate {
    const plan: PlannedUpdate = { columns: {}, needsRestart: false };
    if ('name' in body) {
      if (typeof body.name !== 'string' || body.name === '')
        throw badRequest('name must be a non-empty string');
      plan.columns.name = body.name;
    }
    if ('role' in body) {
      if (body.role !== null && typeof body.role !== 'string')
        throw badRequest('role must be a string or null');
      plan.columns.role = body.role;
    }
    if ('tier' in body) {
      if (!isInt32(body.tier)) throw badRequest('tier must be an integer');
      plan.columns.tier = body.tier;
    }
    if ('runtime' in body) {
      if (typeof body.runtime !== 'string') throw badRequest('runtime must be a string');
      plan.columns.runtime = body.runtime;
    }
    if ('parent_id' in body) {
      const parent = body.parent_id === null ? null : parseUuid(text(body.parent_id));
      if (body.parent_id !== null && !parent)
        throw badRequest('parent_id must be a workspace ID or null');
      plan.columns.parent_id = parent;
    }
    if ('workspace_dir' in body) {
      const dir = body.workspace_dir;
      if (dir !== null && typeof dir !== 'string')
        throw badRequest('workspace_dir must be a string or null');
      if (typeof dir === 'string' && dir !== '' && !isValidWorkspaceDir(dir))
        throw badRequest('invalid workspace directory');
      plan.columns.workspace_dir = dir;
      plan.needsRestart = true;
    }
    if ('collapsed' in body) {
      if (typeof body.collapsed !== 'boolean') throw badRequest('collapsed must be a boolean');
      plan.collapsed = body.collapsed;
    }
    if ('x' in body && 'y' in body) {
      if (!isFiniteNumber(body.x) || !isFiniteNumber(body.y))
        throw badRequest('x and y must be numbers');
      plan.position = { x: body.x, y: body.y };
    }
    // budget_limit only changes through PATCH /workspaces/:id/budget; other keys are ignored.
    return plan;
  }

  /** The new parent must exist and must not be the workspace itself or one of its descendants. */
  private async checkParent(tx: Queryable, id: string, parentId: string): Promise<void> {
    if (parentId === id) throw badRequest('a workspace cannot be its own parent');
    // Two concurrent moves could each pass the check below and close a cycle between them.
    await this.workspaces.lockHierarchy(tx);
    if ((await this.workspaces.status(parentId, tx)) === undefined)
      throw badRequest('parent workspace not found');
    if (await this.workspaces.isInSubtree(tx, id, parentId))
      throw badRequest('parent_id would create a cycle');
  }
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** `tier` is a 32-bit INTEGER column. */
function isInt32(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31;
}
