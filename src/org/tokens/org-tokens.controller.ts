import { Controller, Delete, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { AdminAuthGuard } from '../../common/auth/admin-auth.guard';
import { authOf } from '../../common/auth/auth-context';
import { requestedTokenName } from './mint-request';
import { OrgTokenMintLimitGuard } from './org-token-mint-limit.guard';
import { orgTokenProvenance } from './org-token-provenance';
import { MintedOrgToken, OrgTokensService, OrgTokenView } from './org-tokens.service';
import { ApiTag } from '../../common/openapi/tags';
import { OrgTokensApi } from '../org.api';

@ApiTag('org')
@Controller('org/tokens')
@UseGuards(AdminAuthGuard)
export class OrgTokensController {
  constructor(private readonly orgTokens: OrgTokensService) {}

  @OrgTokensApi.list
  @Get()
  list(): Promise<{ tokens: OrgTokenView[]; count: number }> {
    return this.orgTokens.list();
  }

  /** 200, not 201, as in the reference. */
  @OrgTokensApi.mint
  @Post()
  @HttpCode(200)
  @UseGuards(OrgTokenMintLimitGuard)
  async mint(@Req() req: Request): Promise<MintedOrgToken> {
    const name = await requestedTokenName(req);
    return this.orgTokens.mint(name, orgTokenProvenance(authOf(req), req.headers.cookie));
  }

  @OrgTokensApi.revoke
  @Delete(':id')
  async revoke(@Param('id') id: string): Promise<{ revoked: string }> {
    await this.orgTokens.revoke(id);
    return { revoked: id };
  }
}
