import { Controller, Get, Headers, Param } from '@nestjs/common';
import { badRequest } from '../../common/http/api-error';
import { parseUuid } from '../../common/http/uuid';
import { AppConfig } from '../../config/app-config';
import { checkTestTokenGate } from './test-token-gate';
import { WorkspaceTokenAdmin } from './workspace-token-admin.service';
import { ApiTag } from '../../common/openapi/tags';
import { TestTokenApi } from './tokens.api';

/**
 * Mints a workspace token for test and bootstrap scripts. Deliberately guard-less: the handler
 * gates itself first, so a hidden route answers 404 whatever the id looks like.
 */
@ApiTag('tokens')
@Controller('admin/workspaces/:id/test-token')
export class TestTokenController {
  constructor(
    private readonly config: AppConfig,
    private readonly admin: WorkspaceTokenAdmin,
  ) {}

  @TestTokenApi
  @Get()
  async mint(@Param('id') rawId: string, @Headers('authorization') authorization?: string) {
    checkTestTokenGate(this.config, authorization);
    const id = parseUuid(rawId);
    if (!id) throw badRequest('invalid workspace ID');
    return { auth_token: await this.admin.mintTestToken(id), workspace_id: id };
  }
}
