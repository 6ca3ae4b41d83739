import { Controller, Delete, Get, Param, Post, Query, UseGuards } from '@nestjs/common';
import { WorkspaceAuthGuard } from '../../common/auth/workspace-auth.guard';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { tokenPage } from './token-page';
import { TokenListing, WorkspaceTokenAdmin } from './workspace-token-admin.service';
import { ApiTag } from '../../common/openapi/tags';
import { WorkspaceTokensApi } from './tokens.api';

/** A workspace's own bearer tokens (spec 01 §7.1). */
@ApiTag('tokens')
@Controller('workspaces/:id/tokens')
@UseGuards(WorkspaceAuthGuard)
export class WorkspaceTokensController {
  constructor(private readonly admin: WorkspaceTokenAdmin) {}

  @WorkspaceTokensApi.list
  @Get()
  list(
    @Param('id', WorkspaceIdPipe) id: string,
    @Query('limit') limit: unknown,
    @Query('offset') offset: unknown,
  ): Promise<TokenListing> {
    return this.admin.list(id, tokenPage(limit, offset));
  }

  @WorkspaceTokensApi.create
  @Post()
  async create(@Param('id', WorkspaceIdPipe) id: string) {
    return {
      auth_token: await this.admin.create(id),
      workspace_id: id,
      message: 'Save this token now — it cannot be retrieved again.',
    };
  }

  @WorkspaceTokensApi.revoke
  @Delete(':tokenId')
  async revoke(@Param('id', WorkspaceIdPipe) id: string, @Param('tokenId') tokenId: string) {
    await this.admin.revoke(id, tokenId);
    return { status: 'revoked' };
  }
}
