import {
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  UseGuards,
} from '@nestjs/common';
import { requireOwnTokenIfAny } from '../../common/auth/token-gate';
import { WorkspaceAuthGuard } from '../../common/auth/workspace-auth.guard';
import { WorkspaceTokens } from '../../common/auth/workspace-tokens.service';
import { JsonBody } from '../../common/http/json-body.decorator';
import { StrictWorkspaceIdPipe } from '../../common/http/uuid';
import { SetSecretDto } from './dto/set-secret.dto';
import { SecretListItem, SecretsService } from './secrets.service';
import { ApiTag } from '../../common/openapi/tags';
import { WorkspaceSecretsApi } from './secrets.api';

/** A workspace's own secrets (spec 01 §8.2–8.3). Keys arrive URL-decoded by the router. */
@ApiTag('secrets')
@Controller('workspaces/:id/secrets')
@UseGuards(WorkspaceAuthGuard)
export class WorkspaceSecretsController {
  constructor(
    private readonly secrets: SecretsService,
    private readonly tokens: WorkspaceTokens,
  ) {}

  @WorkspaceSecretsApi.list
  @Get()
  list(@Param('id', StrictWorkspaceIdPipe) id: string): Promise<SecretListItem[]> {
    return this.secrets.list(id);
  }

  // The canvas uses PUT; scripts use POST.
  @WorkspaceSecretsApi.set
  @Post()
  @HttpCode(200)
  create(
    @Param('id', StrictWorkspaceIdPipe) id: string,
    @JsonBody(SetSecretDto, 'invalid request body') body: SetSecretDto,
  ) {
    return this.save(id, body);
  }

  @WorkspaceSecretsApi.set
  @Put()
  replace(
    @Param('id', StrictWorkspaceIdPipe) id: string,
    @JsonBody(SetSecretDto, 'invalid request body') body: SetSecretDto,
  ) {
    return this.save(id, body);
  }

  // Agents pull their env here: once a workspace holds a token, only its own bearer may read.
  @WorkspaceSecretsApi.values
  @Get('values')
  async values(
    @Param('id', StrictWorkspaceIdPipe) id: string,
    @Headers('authorization') authorization: string | undefined,
  ): Promise<Record<string, string>> {
    await requireOwnTokenIfAny(this.tokens, id, authorization);
    return this.secrets.bundle(id);
  }

  @WorkspaceSecretsApi.remove
  @Delete(':key')
  async remove(@Param('id', StrictWorkspaceIdPipe) id: string, @Param('key') key: string) {
    await this.secrets.remove(id, key);
    return { status: 'deleted', key };
  }

  private async save(id: string, body: SetSecretDto) {
    await this.secrets.set(id, body.key, body.value);
    return { status: 'saved', key: body.key };
  }
}
