import { Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { WorkspaceAuthGuard } from '../../common/auth/workspace-auth.guard';
import { JsonBody } from '../../common/http/json-body.decorator';
import { StrictWorkspaceIdPipe, WorkspaceIdPipe } from '../../common/http/uuid';
import { SetModelDto } from './dto/set-model.dto';
import { ModelSetting, SecretsService } from './secrets.service';
import { ApiTag } from '../../common/openapi/tags';
import { ModelApi } from './secrets.api';

/** The per-workspace model override (spec 01 §8.4), stored as a workspace secret. */
@ApiTag('secrets')
@Controller('workspaces/:id/model')
@UseGuards(WorkspaceAuthGuard)
export class ModelController {
  constructor(private readonly secrets: SecretsService) {}

  // The reference validates nothing here; a malformed id is still a 400 rather than a 500.
  @ModelApi.get
  @Get()
  get(@Param('id', WorkspaceIdPipe) id: string): Promise<ModelSetting> {
    return this.secrets.model(id);
  }

  @ModelApi.set
  @Put()
  async set(
    @Param('id', StrictWorkspaceIdPipe) id: string,
    @JsonBody(SetModelDto, 'invalid request body') body: SetModelDto,
  ) {
    const model = body.model ?? '';
    const outcome = await this.secrets.setModel(id, model);
    return outcome === 'cleared' ? { status: 'cleared' } : { status: 'saved', model };
  }
}
