import { Injectable, Logger } from '@nestjs/common';
import { badRequest, notFound } from '../../common/http/api-error';
import { orInternalError } from '../../common/http/or-internal-error';
import { CheckpointRow, CheckpointsRepository } from './checkpoints.repository';
import { SaveCheckpointDto } from './dto/save-checkpoint.dto';

/**
 * Longest `workflow_id` / `step_name`, in UTF-8 bytes: together they key a unique B-tree
 * index, whose entries PostgreSQL caps at about 2.7 kB. The runtime sends A2A task ids and
 * short step names.
 */
export const MAX_CHECKPOINT_KEY_BYTES = 1024;

/**
 * Temporal workflow checkpoints (spec 08 §4): the runtime saves each completed step and asks
 * for the latest before a task, to resume a workflow a crash interrupted. No events.
 */
@Injectable()
export class CheckpointsService {
  private readonly logger = new Logger(CheckpointsService.name);

  constructor(private readonly checkpoints: CheckpointsRepository) {}

  async save(workspaceId: string, body: SaveCheckpointDto) {
    const { workflow_id: workflowId, step_name: stepName } = body;
    if (
      Buffer.byteLength(workflowId, 'utf8') > MAX_CHECKPOINT_KEY_BYTES ||
      Buffer.byteLength(stepName, 'utf8') > MAX_CHECKPOINT_KEY_BYTES
    )
      throw badRequest(
        `workflow_id and step_name must be at most ${MAX_CHECKPOINT_KEY_BYTES} bytes`,
      );
    const id = await orInternalError(
      this.checkpoints.upsert({
        workspaceId,
        workflowId,
        stepName,
        stepIndex: body.step_index ?? 0,
        payloadJson: JSON.stringify(body.payload ?? null),
      }),
      'failed to upsert checkpoint',
      this.logger,
    );
    if (!id) throw notFound('workspace not found');
    return { id, workspace_id: workspaceId, workflow_id: workflowId, step_name: stepName };
  }

  async latest(workspaceId: string): Promise<CheckpointRow> {
    const row = await orInternalError(
      this.checkpoints.latest(workspaceId),
      'failed to fetch latest checkpoint',
      this.logger,
    );
    if (!row) throw notFound('no checkpoints found for workspace');
    return row;
  }

  async list(workspaceId: string, workflowId: string): Promise<CheckpointRow[]> {
    const rows = await orInternalError(
      this.checkpoints.list(workspaceId, workflowId),
      'failed to list checkpoints',
      this.logger,
    );
    if (rows.length === 0) throw notFound('no checkpoints found for workflow');
    return rows;
  }

  async delete(
    workspaceId: string,
    workflowId: string,
  ): Promise<{ deleted: number; workflow_id: string }> {
    const deleted = await orInternalError(
      this.checkpoints.delete(workspaceId, workflowId),
      'failed to delete checkpoints',
      this.logger,
    );
    if (deleted === 0) throw notFound('no checkpoints found for workflow');
    return { deleted, workflow_id: workflowId };
  }
}
