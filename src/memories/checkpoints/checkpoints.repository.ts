import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

/** A checkpoint as list and latest answer it; `payload` is the stored JSON as is. */
export interface CheckpointRow {
  id: string;
  workspace_id: string;
  workflow_id: string;
  step_name: string;
  step_index: number;
  completed_at: Date;
  payload: unknown;
}

export interface CheckpointWrite {
  readonly workspaceId: string;
  readonly workflowId: string;
  readonly stepName: string;
  readonly stepIndex: number;
  /** JSON text of the payload (`null` when omitted). */
  readonly payloadJson: string;
}

const COLUMNS = `id, workspace_id, workflow_id, step_name, step_index, completed_at, payload`;

/** A repeat of a step replaces its index and payload and moves `completed_at`; the id stays. */
const UPSERT = sql(
  'checkpoints.upsert',
  `INSERT INTO workflow_checkpoints (workspace_id, workflow_id, step_name, step_index, payload)
   SELECT id, $2::text, $3::text, $4::integer, $5::jsonb FROM workspaces WHERE id = $1 AND status IS DISTINCT FROM 'removed'
   ON CONFLICT (workspace_id, workflow_id, step_name)
   DO UPDATE SET step_index = EXCLUDED.step_index, payload = EXCLUDED.payload, completed_at = now()
   RETURNING id`,
);

/** Ties on `completed_at` (one transaction's steps) go to the higher step, then the id. */
const LATEST = sql(
  'checkpoints.latest',
  `SELECT ${COLUMNS} FROM workflow_checkpoints WHERE workspace_id = $1
    ORDER BY completed_at DESC, step_index DESC, id DESC LIMIT 1`,
);

const LIST = sql(
  'checkpoints.list',
  `SELECT ${COLUMNS} FROM workflow_checkpoints WHERE workspace_id = $1 AND workflow_id = $2
    ORDER BY step_index DESC, completed_at DESC, id DESC`,
);

const DELETE = sql(
  'checkpoints.delete',
  `DELETE FROM workflow_checkpoints WHERE workspace_id = $1 AND workflow_id = $2`,
);

/** SQL for `workflow_checkpoints`. Callers pass canonical UUIDs. */
@Injectable()
export class CheckpointsRepository {
  constructor(private readonly db: Database) {}

  /** The checkpoint's id; undefined when the workspace does not exist (or was removed). */
  async upsert(write: CheckpointWrite): Promise<string | undefined> {
    const row = await this.db.one<{ id: string }>(UPSERT, [
      write.workspaceId,
      write.workflowId,
      write.stepName,
      write.stepIndex,
      write.payloadJson,
    ]);
    return row?.id;
  }

  latest(workspaceId: string): Promise<CheckpointRow | undefined> {
    return this.db.one<CheckpointRow>(LATEST, [workspaceId]);
  }

  list(workspaceId: string, workflowId: string): Promise<CheckpointRow[]> {
    return this.db.query<CheckpointRow>(LIST, [workspaceId, workflowId]);
  }

  delete(workspaceId: string, workflowId: string): Promise<number> {
    return this.db.execute(DELETE, [workspaceId, workflowId]);
  }
}
