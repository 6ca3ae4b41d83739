import { Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { WorkspaceAuthGuard } from '../../common/auth/workspace-auth.guard';
import { JsonBody } from '../../common/http/json-body.decorator';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { CheckpointRow } from './checkpoints.repository';
import { CheckpointsService } from './checkpoints.service';
import { SaveCheckpointDto } from './dto/save-checkpoint.dto';
import { ApiTag } from '../../common/openapi/tags';
import { CheckpointsApi } from '../memories.api';

/**
 * `latest` is declared before `:wfid`, so a GET for a workflow literally named `latest` is
 * unreachable, as in the reference (its DELETE still works).
 */
@ApiTag('checkpoints')
@Controller('workspaces/:id/checkpoints')
@UseGuards(WorkspaceAuthGuard)
export class CheckpointsController {
  constructor(private readonly checkpoints: CheckpointsService) {}

  /** Always 201, whether the step was new or replaced. */
  @CheckpointsApi.save
  @Post()
  @HttpCode(201)
  save(
    @Param('id', WorkspaceIdPipe) id: string,
    @JsonBody(SaveCheckpointDto, 'invalid request body') body: SaveCheckpointDto,
  ) {
    return this.checkpoints.save(id, body);
  }

  @CheckpointsApi.latest
  @Get('latest')
  latest(@Param('id', WorkspaceIdPipe) id: string): Promise<CheckpointRow> {
    return this.checkpoints.latest(id);
  }

  @CheckpointsApi.list
  @Get(':wfid')
  list(
    @Param('id', WorkspaceIdPipe) id: string,
    @Param('wfid') workflowId: string,
  ): Promise<CheckpointRow[]> {
    return this.checkpoints.list(id, workflowId);
  }

  @CheckpointsApi.delete
  @Delete(':wfid')
  delete(@Param('id', WorkspaceIdPipe) id: string, @Param('wfid') workflowId: string) {
    return this.checkpoints.delete(id, workflowId);
  }
}
