import { Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../../common/auth/admin-auth.guard';
import { JsonBody } from '../../common/http/json-body.decorator';
import { SetSecretDto } from './dto/set-secret.dto';
import { SecretListItem, SecretsService } from './secrets.service';
import { ApiTag } from '../../common/openapi/tags';
import { GlobalSecretsApi } from './secrets.api';

const CANONICAL = 'settings/secrets';
const ALIAS = 'admin/secrets';

/** Global secrets (spec 01 §8.5): `/settings/secrets`, aliased at `/admin/secrets` minus PUT. */
@ApiTag('secrets')
@Controller()
@UseGuards(AdminAuthGuard)
export class GlobalSecretsController {
  constructor(private readonly secrets: SecretsService) {}

  @GlobalSecretsApi.list
  @Get([CANONICAL, ALIAS])
  list(): Promise<SecretListItem[]> {
    return this.secrets.listGlobal();
  }

  @GlobalSecretsApi.set
  @Put(CANONICAL)
  replace(@JsonBody(SetSecretDto, 'invalid request body') body: SetSecretDto) {
    return this.save(body);
  }

  @GlobalSecretsApi.set
  @Post([CANONICAL, ALIAS])
  @HttpCode(200)
  create(@JsonBody(SetSecretDto, 'invalid request body') body: SetSecretDto) {
    return this.save(body);
  }

  @GlobalSecretsApi.remove
  @Delete([`${CANONICAL}/:key`, `${ALIAS}/:key`])
  async remove(@Param('key') key: string) {
    await this.secrets.removeGlobal(key);
    return { status: 'deleted', key, scope: 'global' };
  }

  private async save(body: SetSecretDto) {
    await this.secrets.setGlobal(body.key, body.value);
    return { status: 'saved', key: body.key, scope: 'global' };
  }
}
