import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';
import { InstructionChanges, NewInstruction } from './instruction-input';

/** An instruction as the listing answers it (spec 08 §5). */
export interface InstructionRow {
  id: string;
  scope: 'global' | 'team' | 'workspace';
  scope_target: string | null;
  title: string;
  content: string;
  priority: number;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

/** A row that applies to a workspace: team rows (storable only by hand) never do. */
export interface AppliedInstructionRow extends InstructionRow {
  scope: 'global' | 'workspace';
}

const COLUMNS = `id, scope, scope_target, title, content, priority, enabled, created_at, updated_at`;

/** What applies to one workspace: enabled global rows, then its own, each by priority. */
const FOR_WORKSPACE = sql(
  'instructions.for_workspace',
  `SELECT ${COLUMNS} FROM platform_instructions
    WHERE enabled AND (scope = 'global' OR (scope = 'workspace' AND scope_target = $1))
    ORDER BY scope = 'workspace', priority DESC, created_at, id`,
);

const ALL = sql(
  'instructions.all',
  `SELECT ${COLUMNS} FROM platform_instructions ORDER BY scope, priority DESC, created_at, id`,
);

const OF_SCOPE = sql(
  'instructions.of_scope',
  `SELECT ${COLUMNS} FROM platform_instructions WHERE scope = $1
    ORDER BY scope, priority DESC, created_at, id`,
);

const INSERT = sql(
  'instructions.insert',
  `INSERT INTO platform_instructions (scope, scope_target, title, content, priority)
   VALUES ($1, $2, $3, $4, $5) RETURNING id`,
);

/** Absent fields keep their value (a NULL parameter means "not given"). */
const UPDATE = sql(
  'instructions.update',
  `UPDATE platform_instructions
      SET title = COALESCE($2, title), content = COALESCE($3, content),
          priority = COALESCE($4, priority), enabled = COALESCE($5, enabled), updated_at = now()
    WHERE id = $1`,
);

const DELETE = sql('instructions.delete', `DELETE FROM platform_instructions WHERE id = $1`);

/** SQL for `platform_instructions`. */
@Injectable()
export class InstructionsRepository {
  constructor(private readonly db: Database) {}

  /** `workspaceId` is compared as given (a non-UUID matches no workspace row). */
  forWorkspace(workspaceId: string): Promise<AppliedInstructionRow[]> {
    return this.db.query<AppliedInstructionRow>(FOR_WORKSPACE, [workspaceId]);
  }

  list(scope: string | undefined): Promise<InstructionRow[]> {
    return scope === undefined
      ? this.db.query<InstructionRow>(ALL)
      : this.db.query<InstructionRow>(OF_SCOPE, [scope]);
  }

  async insert(instruction: NewInstruction): Promise<string> {
    const row = await this.db.one<{ id: string }>(INSERT, [
      instruction.scope,
      instruction.scopeTarget,
      instruction.title,
      instruction.content,
      instruction.priority,
    ]);
    return row!.id;
  }

  /** False when no such instruction. */
  async update(id: string, changes: InstructionChanges): Promise<boolean> {
    const count = await this.db.execute(UPDATE, [
      id,
      changes.title ?? null,
      changes.content ?? null,
      changes.priority ?? null,
      changes.enabled ?? null,
    ]);
    return count > 0;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.execute(DELETE, [id])) > 0;
  }
}
